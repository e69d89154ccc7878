def double(x):
    return x * 2


def run():
    return list(map(double, [1, 2]))


run()
