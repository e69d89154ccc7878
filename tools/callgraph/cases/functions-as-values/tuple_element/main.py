def first():
    return 1


def run():
    pair = (first, 0)
    return pair[0]()


run()
