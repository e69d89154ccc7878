class MathUtil:
    @staticmethod
    def add(a, b):
        return a + b

    def total(self):
        return self.add(1, 2)


MathUtil().total()
MathUtil.add(3, 4)
