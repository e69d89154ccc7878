def fallback():
    return 0


def invoke(fn=fallback):
    return fn()


invoke()
