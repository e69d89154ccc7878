def hammer():
    return "bang"
