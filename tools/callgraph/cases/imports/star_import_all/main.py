from lib import *


def public():
    return "main"


def run():
    return public()


run()
