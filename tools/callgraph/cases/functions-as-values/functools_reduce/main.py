import functools


def add(a, b):
    return a + b


def run():
    return functools.reduce(add, [1, 2, 3])


run()
