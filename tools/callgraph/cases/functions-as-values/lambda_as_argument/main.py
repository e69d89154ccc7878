def apply(fn, x):
    return fn(x)


def run():
    return apply(lambda v: v + 1, 2)


run()
