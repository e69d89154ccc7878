def apply(fn, value):
    return fn(value)


apply(len, "abc")
