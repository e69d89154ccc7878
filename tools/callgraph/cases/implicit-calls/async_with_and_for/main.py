class Session:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


class Ticker:
    def __init__(self):
        self.left = 1

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.left == 0:
            raise StopAsyncIteration
        self.left -= 1
        return self.left


async def main():
    async with Session():
        async for _ in Ticker():
            pass


def drive():
    coro = main()
    try:
        coro.send(None)
    except StopIteration:
        return None


drive()
