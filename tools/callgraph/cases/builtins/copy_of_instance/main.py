import copy


class Query:
    def clone(self):
        obj = copy.copy(self)
        obj.reset()
        return obj

    def reset(self):
        pass


class Form:
    def __init__(self):
        self.fields = {}

    def reset(self):
        pass


def fresh(form):
    twin = copy.deepcopy(form)
    twin.reset()
    return twin


Query().clone().reset()
fresh(Form())
