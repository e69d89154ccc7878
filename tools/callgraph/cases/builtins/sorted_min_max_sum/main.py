def stats(values):
    return sorted(values), min(values), max(values), sum(values)


stats([3, 1, 2])
