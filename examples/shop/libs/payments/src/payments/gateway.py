"""Gateways that take money for orders."""
import abc
import logging

from core import Money, Order, format_money
from core.models import Customer

from . import errors
from .errors import DeclinedError

log = logging.getLogger(__name__)


def audited(fn):
    def wrapper(*args, **kwargs):
        log.info("calling %s", fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


class Gateway(abc.ABC):
    fee_cents = 30

    @abc.abstractmethod
    def authorize(self, customer: Customer, amount: Money) -> bool: ...

    @audited
    def pay(self, order: Order) -> Money:
        amount = order.total() + Money(self.fee_cents)
        if not self.authorize(order.customer, amount):
            raise DeclinedError(format_money(amount))
        return amount


class CardGateway(Gateway):
    def __init__(self, limit_cents: int = 100_000):
        self.limit_cents = limit_cents

    def authorize(self, customer: Customer, amount: Money) -> bool:
        return amount.cents <= self.limit_cents


def charge(order: Order) -> Money:
    gateway = CardGateway()
    try:
        return gateway.pay(order)
    except errors.PaymentError:
        log.warning("payment failed for %s", order.id)
        raise
