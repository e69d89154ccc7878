class Cache:
    def __delitem__(self, key):
        pass


def evict(c):
    del c["k"]


evict(Cache())
