class Total:
    def __init__(self):
        self.v = 0

    def __iadd__(self, n):
        self.v += n
        return self


def run():
    t = Total()
    t += 5
    return t


run()
