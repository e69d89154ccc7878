def scan():
    d = {"a": 1}
    d.setdefault("b", 2)
    return list(d.items()), d.get("a")


scan()
