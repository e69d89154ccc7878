def add(a, b):
    return a + b


def sub(a, b):
    return a - b


OPS = {"add": add, "sub": sub}


def run():
    OPS["add"](1, 2)
    OPS["sub"](3, 1)


run()
