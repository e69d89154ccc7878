class Vec:
    def __init__(self, x):
        self.x = x

    def __add__(self, other):
        return Vec(self.x + other.x)

    def __mul__(self, k):
        return Vec(self.x * k)


def run():
    return (Vec(1) + Vec(2)) * 3


run()
