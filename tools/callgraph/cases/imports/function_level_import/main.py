def run():
    from tools import hammer

    return hammer()


run()
