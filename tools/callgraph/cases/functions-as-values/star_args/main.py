def one():
    return 1


def two():
    return 2


def invoke_all(*fns):
    for fn in fns:
        fn()


invoke_all(one, two)
