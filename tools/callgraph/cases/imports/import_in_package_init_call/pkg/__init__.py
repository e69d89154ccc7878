from pkg.engine import boot


def start():
    return boot()
