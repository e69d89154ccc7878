def squares():
    out = [i * i for i in range(3)]
    out.reverse()
    return out


squares()
