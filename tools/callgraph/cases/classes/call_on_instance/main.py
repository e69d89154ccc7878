class Multiplier:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return x * self.k


def run():
    triple = Multiplier(3)
    return triple(2)


run()
