class Counter:
    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1


def run():
    c = Counter()
    c.bump()
    c.bump()


run()
