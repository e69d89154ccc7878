"""A tiny decorator-based router, so the example needs no framework."""
from typing import Callable, Dict

Handler = Callable[..., dict]


class Router:
    def __init__(self) -> None:
        self.routes: Dict[str, Handler] = {}

    def get(self, path: str):
        def register(fn: Handler) -> Handler:
            self.routes[path] = fn
            return fn

        return register

    def dispatch(self, path: str, **params) -> dict:
        return self.routes[path](**params)


router = Router()
