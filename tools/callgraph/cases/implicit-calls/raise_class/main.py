class AppError(Exception):
    def __init__(self, msg="failed"):
        super().__init__(msg)


def fail():
    raise AppError


def run():
    try:
        fail()
    except AppError:
        return "caught"


run()
