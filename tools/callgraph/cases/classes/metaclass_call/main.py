class Meta(type):
    def __call__(cls, *args):
        instance = super().__call__(*args)
        return instance


class Service(metaclass=Meta):
    def __init__(self):
        self.up = True


def run():
    return Service()


run()
