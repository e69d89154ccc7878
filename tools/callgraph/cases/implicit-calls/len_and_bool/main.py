class Bag:
    def __len__(self):
        return 2

    def __bool__(self):
        return True


def run():
    b = Bag()
    if b:
        return len(b)
    return 0


run()
