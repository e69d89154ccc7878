async def fetch():
    return 1


async def handler():
    return await fetch()


def drive():
    coro = handler()
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value


drive()
