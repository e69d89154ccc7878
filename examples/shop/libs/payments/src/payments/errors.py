class PaymentError(Exception):
    """A payment could not be completed."""


class DeclinedError(PaymentError):
    pass
