from .gateway import CardGateway, Gateway, charge
from .errors import PaymentError
