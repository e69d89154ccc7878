def traced(fn):
    def wrapper(self):
        return fn(self)

    return wrapper


class Job:
    @traced
    def run(self):
        return 1


Job().run()
