def singleton(cls):
    instance = cls()

    def get():
        return instance

    return get


@singleton
class Settings:
    def __init__(self):
        self.debug = False
