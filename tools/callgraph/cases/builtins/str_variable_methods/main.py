def shout(text):
    s = "hello"
    return s.upper().strip()


shout("x")
