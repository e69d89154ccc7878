def ping():
    return "pong"


class Service:
    action = staticmethod(ping)

    def run(self):
        return self.action()


Service().run()
