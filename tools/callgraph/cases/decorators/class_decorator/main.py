def tag(cls):
    cls.tagged = True
    return cls


@tag
class Model:
    def __init__(self):
        self.x = 1


Model()
