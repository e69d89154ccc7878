def collect():
    seen = set()
    seen.add(1)
    seen.discard(2)
    return seen


collect()
