def fallback():
    return "fallback"


def pick(handler):
    if handler:
        return handler
    return fallback


def greet():
    return "hi"


def leave():
    return "bye"


def first():
    return pick(greet)()


def second():
    return pick(leave)()


first()
second()
