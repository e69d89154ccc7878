def title(name):
    return f"dr {name}".title()


title("who")
