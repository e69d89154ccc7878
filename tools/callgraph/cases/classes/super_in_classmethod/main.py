class Base:
    @classmethod
    def create(cls):
        return "base"


class Child(Base):
    @classmethod
    def create(cls):
        return super().create()


Child.create()
