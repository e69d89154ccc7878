def on_true():
    return 1


def on_false():
    return 0


def run(flag):
    if flag:
        fn = on_true
    else:
        fn = on_false
    return fn()


run(True)
run(False)
