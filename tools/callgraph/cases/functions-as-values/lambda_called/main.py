def run():
    double = lambda x: x * 2
    return double(3)


run()
