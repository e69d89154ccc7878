def leaf():
    return 1


def middle(fn):
    return inner(fn)


def inner(g):
    return g()


middle(leaf)
