class Money:
    def __init__(self, cents):
        self.cents = cents

    def plus(self, other):
        return type(self)(self.cents + other.cents)

    @staticmethod
    def zero():
        return Money(0)


def same_kind(x):
    return type(x).zero()


def run():
    total = Money(5).plus(Money(7))
    name = type("text").upper("a")
    return same_kind(total), name


run()
