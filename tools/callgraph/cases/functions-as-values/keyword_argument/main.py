def callback():
    return 1


def invoke(x, fn=None):
    return fn()


invoke(0, fn=callback)
