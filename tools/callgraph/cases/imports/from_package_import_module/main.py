from pkg import sub


def run():
    return sub.work()


run()
