def identity(value):
    return value


def greet():
    return "hi"


def leave():
    return "bye"


def first():
    return identity(greet)()


def second():
    return identity(leave)()


first()
second()
