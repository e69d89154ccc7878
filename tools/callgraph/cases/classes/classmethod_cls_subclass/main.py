class Base:
    def __init__(self):
        self.kind = "base"

    @classmethod
    def make(cls):
        return cls()


class Sub(Base):
    def __init__(self):
        self.kind = "sub"


Base.make()
Sub.make()
