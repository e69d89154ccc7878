def a():
    return 1


def b():
    return 2


def run():
    handlers = [a]
    handlers += [b]
    for h in handlers:
        h()


run()
