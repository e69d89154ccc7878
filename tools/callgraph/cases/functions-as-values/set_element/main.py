def only():
    return 1


def run():
    for fn in {only}:
        fn()


run()
