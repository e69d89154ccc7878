from first import *
from second import *


def run():
    return shared()


run()
