def target():
    return 1


def run():
    a = target
    b = a
    c = b
    return c()


run()
