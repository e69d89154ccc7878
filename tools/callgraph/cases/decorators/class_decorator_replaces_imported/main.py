from registry import Settings


def load():
    return Settings()


load()
