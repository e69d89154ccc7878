from pkg import compute


def run():
    return compute()


run()
