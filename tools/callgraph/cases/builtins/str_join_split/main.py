def normalize(text: str):
    return " ".join(text.split())


normalize("a   b")
