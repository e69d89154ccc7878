from checks import checks, register


def check_debug():
    return []


def run_checks():
    register(check_debug)
    return [c() for c in checks.registered]


run_checks()
