def is_odd(x):
    return x % 2 == 1


def run():
    return list(filter(is_odd, [1, 2, 3]))


run()
