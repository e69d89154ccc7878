class Base:
    def chain(self):
        return self


class Reader(Base):
    def go(self):
        return "read"


class Writer(Base):
    def go(self):
        return "write"


def use_reader():
    return Reader().chain().go()


def use_writer():
    return Writer().chain().go()


use_reader()
use_writer()
