class Shape:
    def describe(self):
        return self.name()

    def name(self):
        return "shape"


class Square(Shape):
    def name(self):
        return "square"


def run():
    return Square().describe()


run()
