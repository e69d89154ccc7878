def a():
    def b():
        def c():
            return 3

        return c()

    return b()


a()
