def initial():
    return 0


def replacement():
    return 1


current = initial


def swap():
    global current
    current = replacement


def run():
    return current()


run()
swap()
run()
