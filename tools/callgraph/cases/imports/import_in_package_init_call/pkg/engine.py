def boot():
    return "booted"
