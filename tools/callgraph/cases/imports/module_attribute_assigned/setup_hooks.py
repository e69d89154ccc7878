import config


def custom():
    return "custom"


def install():
    config.handler = custom
