def left():
    return "l"


def right():
    return "r"


def run():
    a, b = left, right
    a, b = b, a
    return a()


run()
