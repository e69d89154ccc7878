class Root:
    def __init__(self):
        self.tag = "root"


class Left(Root):
    pass


class Right(Root):
    def __init__(self):
        self.tag = "right"


class Bottom(Left, Right):
    pass


def run():
    return Bottom()


run()
