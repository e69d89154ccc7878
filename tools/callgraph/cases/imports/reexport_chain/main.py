import outer


def run():
    return outer.compute()


run()
