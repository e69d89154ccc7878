class Animal:
    def speak(self):
        return "..."


class Dog(Animal):
    pass


def run():
    return Dog().speak()


run()
