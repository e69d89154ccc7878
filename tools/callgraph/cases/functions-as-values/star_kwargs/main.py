def on_save():
    return "saved"


def dispatch(**handlers):
    return handlers["save"]()


dispatch(save=on_save)
