class Checks:
    def __init__(self):
        self.registered = []

    def register(self, check):
        self.registered.append(check)
        return check


checks = Checks()
register = checks.register
