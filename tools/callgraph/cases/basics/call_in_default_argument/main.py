def default():
    return 5


def f(x=default()):
    return x


f()
