import tools


def run():
    return tools.hammer()


run()
