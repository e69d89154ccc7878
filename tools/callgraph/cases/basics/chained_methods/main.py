class Builder:
    def add(self):
        return self

    def build(self):
        return 1


def run():
    return Builder().add().add().build()


run()
