def singleton(cls):
    instance = cls()

    def get():
        return instance

    return get


@singleton
class Config:
    def __init__(self):
        self.debug = False


Config()
