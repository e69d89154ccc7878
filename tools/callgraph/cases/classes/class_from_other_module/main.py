from models import Order


def run():
    o = Order(5)
    return o.total()


run()
