class Base:
    def __init__(self):
        self.a = 1


class Child(Base):
    def __init__(self):
        super().__init__()
        self.b = 2


Child()
