import functools


def power(base, exp):
    return base**exp


def run():
    square = functools.partial(power, exp=2)
    return square(3)


run()
