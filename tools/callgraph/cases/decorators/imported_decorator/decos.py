def logged(fn):
    def wrapper():
        return fn()

    return wrapper
