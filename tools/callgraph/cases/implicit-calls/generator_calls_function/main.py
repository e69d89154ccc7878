def produce(i):
    return i * 10


def items():
    for i in range(2):
        yield produce(i)


def run():
    return list(items())


run()
