def first():
    return 1


def second():
    return 2


def run():
    fns = [first, second]
    fns[0]()
    fns[1]()


run()
