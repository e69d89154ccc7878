class Temp:
    def __init__(self):
        self.c = 20

    @property
    def f(self):
        return self.c * 9 / 5 + 32


def show(t):
    return t.f


show(Temp())
