def by_length(s):
    return len(s)


def run():
    return sorted(["ccc", "a", "bb"], key=by_length)


run()
