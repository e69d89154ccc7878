def square(x):
    return x * x


def run():
    return [square(i) for i in range(3)]


run()
