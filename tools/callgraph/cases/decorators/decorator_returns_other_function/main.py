def replacement():
    return "replaced"


def swap(fn):
    return replacement


@swap
def original():
    return "original"


original()
