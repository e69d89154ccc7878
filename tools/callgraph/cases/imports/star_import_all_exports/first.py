def shared():
    return "first"
