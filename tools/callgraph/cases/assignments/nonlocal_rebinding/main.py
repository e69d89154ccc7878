def first():
    return 1


def second():
    return 2


def run():
    fn = first

    def change():
        nonlocal fn
        fn = second

    change()
    return fn()


run()
