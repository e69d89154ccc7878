class K:
    @staticmethod
    def s():
        return 1

    @classmethod
    def c(cls):
        return cls.s()


def run():
    K.s()
    K.c()


run()
