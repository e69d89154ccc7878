"""Money as integer cents, never floats."""
from dataclasses import dataclass

CURRENCY = "EUR"


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = CURRENCY

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.cents + other.cents, self.currency)

    def times(self, n: int) -> "Money":
        return Money(self.cents * n, self.currency)

    def _check(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError("currency mismatch")

    @classmethod
    def zero(cls, currency: str = CURRENCY) -> "Money":
        return cls(0, currency)


def format_money(m: Money) -> str:
    return f"{m.cents / 100:.2f} {m.currency}"
