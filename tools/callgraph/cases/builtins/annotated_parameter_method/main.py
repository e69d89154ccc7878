def count_lines(text: str) -> int:
    return len(text.splitlines())


count_lines("a\nb")
