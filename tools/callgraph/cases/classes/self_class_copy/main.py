class Node:
    def __init__(self, value):
        self.value = value

    def copy(self):
        return self.__class__(self.value)

    def label(self):
        return self.__class__.kind()

    @classmethod
    def kind(cls):
        return "node"


class Leaf(Node):
    def __init__(self, value):
        super().__init__(value)

    @classmethod
    def kind(cls):
        return "leaf"


def run():
    a = Node(1).copy()
    b = Leaf(2).copy()
    return a.label(), b.label()


run()
