def make():
    return 3


def check(n):
    return n > 1


def run():
    if (fn := check)(make()):
        return fn(0)
    return None


run()
