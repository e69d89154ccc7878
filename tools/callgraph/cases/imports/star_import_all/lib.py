__all__ = ["other"]


def public():
    return "lib"


def other():
    return 1
