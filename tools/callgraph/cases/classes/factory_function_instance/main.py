class Conn:
    def query(self):
        return []


def connect():
    return Conn()


def run():
    c = connect()
    return c.query()


run()
