def a():
    return 1


def b():
    return 2


def run():
    for fn in (a, b):
        fn()


run()
