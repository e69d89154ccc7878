def upper_all():
    names = {"a": "x", "b": "y"}
    return [v.upper() for v in names.values()]


upper_all()
