class Greeter:
    def hello(self):
        return "hi"


def run():
    say = Greeter().hello
    return say()


run()
