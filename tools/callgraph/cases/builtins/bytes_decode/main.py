def decode():
    raw = b"abc"
    return raw.decode()


decode()
