def yes():
    return 1


def no():
    return 0


def run(flag):
    fn = yes if flag else no
    return fn()


run(True)
run(False)
