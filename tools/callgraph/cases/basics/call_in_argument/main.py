def inner():
    return 1


def outer(x):
    return x + 1


def run():
    return outer(inner())


run()
