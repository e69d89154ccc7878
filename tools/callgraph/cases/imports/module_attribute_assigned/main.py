import config
import setup_hooks


def run():
    return config.handler()


setup_hooks.install()
run()
