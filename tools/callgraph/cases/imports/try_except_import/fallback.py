def parse():
    return "fallback"
