from .core import compute


def entry():
    return compute()
