class Item:
    label = "x"


def describe(obj):
    if isinstance(obj, Item):
        return getattr(obj, "label")
    return None


describe(Item())
