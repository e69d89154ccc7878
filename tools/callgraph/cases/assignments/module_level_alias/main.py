def target():
    return 1


alias = target


def run():
    return alias()


run()
