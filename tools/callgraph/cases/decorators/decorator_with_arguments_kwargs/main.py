def validate(*, strict):
    def decorate(fn):
        def wrapper(x):
            if strict:
                check(x)
            return fn(x)

        return wrapper

    return decorate


def check(x):
    return x is not None


@validate(strict=True)
def store(x):
    return x


store(1)
