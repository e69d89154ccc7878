class Widget:
    def __init__(self):
        self.size = 1


def run():
    Kind = Widget
    return Kind()


run()
