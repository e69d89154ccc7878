def build():
    xs = []
    xs.append(1)
    xs.extend([2, 3])
    return xs.pop()


build()
