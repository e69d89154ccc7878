def handler():
    return 1


class Button:
    def __init__(self, fn):
        self.fn = fn

    def click(self):
        return self.fn()


Button(handler).click()
