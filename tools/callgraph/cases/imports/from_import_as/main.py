from tools import hammer as hit


def run():
    return hit()


run()
