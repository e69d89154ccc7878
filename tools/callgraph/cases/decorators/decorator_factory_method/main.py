class Registry:
    def __init__(self):
        self.handlers = {}

    def route(self, path):
        def add(fn):
            self.handlers[path] = fn
            return fn

        return add


def make_app():
    return Registry()


app = make_app()
route = app.route


@route("/")
def index():
    return "index"


@route("/about")
def about():
    return "about"


def serve():
    return index() + about()


serve()
