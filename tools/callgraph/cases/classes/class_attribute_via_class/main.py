class Defaults:
    def value(self):
        return 0


class Settings:
    defaults = Defaults()


def run():
    return Settings.defaults.value()


run()
