def register(fn):
    return fn


@register
def task():
    return 1


task()
