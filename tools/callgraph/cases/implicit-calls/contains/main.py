class Allow:
    def __contains__(self, item):
        return item == "x"


def run():
    return "x" in Allow()


run()
