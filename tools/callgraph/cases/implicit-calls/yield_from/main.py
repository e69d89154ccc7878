def inner():
    yield 1


def outer():
    yield from inner()


def run():
    return list(outer())


run()
