try:
    from accelerated import parse
except ImportError:
    from fallback import parse


def run():
    return parse()


run()
