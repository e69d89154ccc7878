def numbers():
    yield 1
    yield 2


def run():
    total = 0
    for n in numbers():
        total += n
    return total


run()
