class AppError(Exception):
    def __init__(self, msg):
        super().__init__(msg)


def run():
    try:
        raise AppError("boom")
    except AppError:
        return "caught"


run()
