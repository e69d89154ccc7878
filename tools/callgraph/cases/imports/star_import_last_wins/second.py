def shared():
    return "second"
