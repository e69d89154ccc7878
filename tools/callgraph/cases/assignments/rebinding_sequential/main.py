def first():
    return 1


def second():
    return 2


def run():
    fn = first
    fn()
    fn = second
    fn()


run()
