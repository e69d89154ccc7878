def target():
    return 1


def pick():
    return target


def run():
    return pick()()


run()
