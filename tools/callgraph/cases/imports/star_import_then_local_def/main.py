from helpers import *


def helper():
    return "local"


def run():
    return helper()


run()
