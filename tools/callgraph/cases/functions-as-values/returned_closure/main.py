def make_adder(n):
    def add(x):
        return x + n

    return add


def run():
    add2 = make_adder(2)
    return add2(1)


run()
