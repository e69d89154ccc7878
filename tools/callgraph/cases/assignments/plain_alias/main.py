def target():
    return 1


def run():
    alias = target
    return alias()


run()
