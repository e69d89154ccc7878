HANDLERS = {}


def route(name):
    def add(fn):
        HANDLERS[name] = fn
        return fn

    return add


@route("home")
def home():
    return "home"


def dispatch(name):
    return HANDLERS[name]()


dispatch("home")
