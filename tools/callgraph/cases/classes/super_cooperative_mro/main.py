class Base:
    def setup(self, log):
        log.append("base")


class A(Base):
    def setup(self, log):
        log.append("a")
        super().setup(log)


class B(Base):
    def setup(self, log):
        log.append("b")
        super().setup(log)


class C(A, B):
    pass


C().setup([])
