def load(use_fast):
    if use_fast:
        from fast import parse
    else:
        from slow import parse
    return parse()


load(True)
load(False)
