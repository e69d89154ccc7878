def add(a, b):
    return a + b


def run():
    table = {"add": add}
    return table.get("add")(1, 2)


run()
