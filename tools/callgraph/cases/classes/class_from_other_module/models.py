class Order:
    def __init__(self, amount):
        self.amount = amount

    def total(self):
        return self.amount
