def words():
    return "a b c".split()


words()
