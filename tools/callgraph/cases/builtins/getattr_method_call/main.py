class Robot:
    def walk(self):
        return "walking"


def command(robot, action):
    return getattr(robot, action)()


command(Robot(), "walk")
