class Greeter:
    def hello(self):
        return self.name()

    def name(self):
        return "x"


Greeter().hello()
