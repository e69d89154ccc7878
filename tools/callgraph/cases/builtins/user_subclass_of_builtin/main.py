class Stack(list):
    def push(self, x):
        self.append(x)


def run():
    s = Stack()
    s.push(1)
    return s.pop()


run()
