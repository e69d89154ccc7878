class Parser:
    def parse(self, text):
        return text.split()


class Tag:
    parser = None

    def render(self):
        return self.parser.parse("a b")


def configure(tag, field):
    # Set by a name that flows in, as a framework sets it: the analysis sees only the class's default.
    setattr(tag, field, Parser())
    return tag


configure(Tag(), "parser").render()
