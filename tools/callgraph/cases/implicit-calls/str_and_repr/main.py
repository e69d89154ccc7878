class Name:
    def __str__(self):
        return "name"

    def __repr__(self):
        return "Name()"


def run():
    n = Name()
    return str(n) + repr(n)


run()
