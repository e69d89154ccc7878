def render(name):
    return "Hello, {}".format(name)


render("ada")
