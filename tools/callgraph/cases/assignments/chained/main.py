def target():
    return 1


def run():
    a = b = target
    a()
    b()


run()
