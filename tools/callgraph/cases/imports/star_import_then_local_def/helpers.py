def helper():
    return "imported"
