__all__ = ["different"]


def shared():
    return "second"


def different():
    return 0
