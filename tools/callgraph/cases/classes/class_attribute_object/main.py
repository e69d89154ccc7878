class Store:
    def get(self):
        return 1


class Repo:
    store = Store()

    def load(self):
        return self.store.get()


Repo().load()
