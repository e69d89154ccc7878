"""The shop's HTTP handlers."""
from core import Customer, Money, Order, Product, format_money
from payments import PaymentError, charge

from .router import router

CATALOG = {"book": Product("book", Money(1_250)), "pen": Product("pen", Money(199))}


@router.get("/orders/checkout")
def checkout(customer_id: str, sku: str, quantity: int = 1) -> dict:
    order = Order("o-1", Customer(customer_id, f"{customer_id}@example.com"))
    order.add(CATALOG[sku], quantity)
    try:
        paid = charge(order)
    except PaymentError as e:
        return {"ok": False, "error": str(e)}
    return {"ok": True, "paid": format_money(paid)}


@router.get("/health")
def health() -> dict:
    return {"ok": True, "products": sorted(p.sku for p in CATALOG.values())}


def main() -> None:
    print(router.dispatch("/orders/checkout", customer_id="c-1", sku="book", quantity=2))


if __name__ == "__main__":
    main()
