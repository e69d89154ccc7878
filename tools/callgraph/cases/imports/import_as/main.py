import tools as t


def run():
    return t.hammer()


run()
