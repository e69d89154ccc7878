def start():
    return 0


def step():
    return 1


def run():
    fn = start
    for _ in range(2):
        fn()
        fn = step


run()
