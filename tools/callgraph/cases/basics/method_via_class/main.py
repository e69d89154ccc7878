class Tool:
    def use(self):
        return 1


def run():
    t = Tool()
    return Tool.use(t)


run()
