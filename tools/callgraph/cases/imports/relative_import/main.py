from pkg import api


def run():
    return api.entry()


run()
