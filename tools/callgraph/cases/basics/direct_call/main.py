def greet():
    return "hi"


def main():
    greet()


main()
