"""Entities of the shop."""
from dataclasses import dataclass, field
from typing import List

from .money import Money


class Entity:
    """Anything with an identity."""

    def __init__(self, id: str):
        self.id = id

    def describe(self) -> str:
        return f"{type(self).__name__}({self.id})"


class Customer(Entity):
    def __init__(self, id: str, email: str):
        super().__init__(id)
        self.email = email
        self.__secret = None

    def contact(self) -> str:
        return self.email


@dataclass
class Product:
    sku: str
    price: Money


@dataclass
class OrderLine:
    product: Product
    quantity: int = 1

    def total(self) -> Money:
        return self.product.price.times(self.quantity)


class Order(Entity):
    def __init__(self, id: str, customer: Customer):
        super().__init__(id)
        self.customer = customer
        self.lines: List[OrderLine] = []

    def add(self, product: Product, quantity: int = 1) -> "Order":
        self.lines.append(OrderLine(product, quantity))
        return self

    def total(self) -> Money:
        total = Money.zero()
        for line in self.lines:
            total = total + line.total()
        return total

    @property
    def is_empty(self) -> bool:
        return not self.lines
