"""Core domain of the shop: models and money helpers."""
from .models import Customer, Entity, Order, OrderLine, Product
from .money import Money, format_money

__all__ = ["Customer", "Entity", "Money", "Order", "OrderLine", "Product", "format_money"]
