def head():
    return 0


def mid():
    return 1


def tail():
    return 2


def run():
    first, *rest = head, mid, tail
    first()
    for fn in rest:
        fn()


run()
