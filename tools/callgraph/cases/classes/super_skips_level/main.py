class A:
    def hello(self):
        return "A"


class B(A):
    def hello(self):
        return "B"


class C(B):
    def hello(self):
        return super(B, self).hello()


C().hello()
