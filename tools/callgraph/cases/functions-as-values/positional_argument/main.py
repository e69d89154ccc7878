def callback():
    return 1


def invoke(fn):
    return fn()


invoke(callback)
