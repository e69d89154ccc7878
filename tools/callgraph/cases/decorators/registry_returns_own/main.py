REGISTRY = []


def register(fn):
    REGISTRY.append(fn)
    return fn


@register
def load():
    return "load"


@register
def save():
    return "save"


def open_file():
    return load()


def close_file():
    return save()


def run_all():
    for fn in REGISTRY:
        fn()


open_file()
close_file()
run_all()
