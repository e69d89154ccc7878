def default_handler():
    return "default"


handler = default_handler
