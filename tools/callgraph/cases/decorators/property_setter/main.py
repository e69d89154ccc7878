class Box:
    def __init__(self):
        self._w = 0

    @property
    def width(self):
        return self._w

    @width.setter
    def width(self, value):
        self._w = value


def run():
    b = Box()
    b.width = 3
    return b.width


run()
