def helper(x):
    return x + 1


def run():
    fn = lambda x: helper(x)
    return fn(1)


run()
