from helpers import *


def run():
    return helper()


run()
