from shapes import Square


def run():
    s = Square(2)
    return s.area()


run()
