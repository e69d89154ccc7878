import pkg.sub


def run():
    return pkg.sub.work()


run()
