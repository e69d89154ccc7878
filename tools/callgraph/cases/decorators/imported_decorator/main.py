from decos import logged


@logged
def work():
    return 1


work()
