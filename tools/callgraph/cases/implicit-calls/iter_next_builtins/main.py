class Numbers:
    def __iter__(self):
        return iter([1, 2])


def run():
    it = iter(Numbers())
    return next(it)


run()
