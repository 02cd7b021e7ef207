"""Small rules of written English the pages and messages share."""


def full_stop_after(text):
    """The full stop a sentence ending with `text` still needs: none when the text ends
    with one already, as a name followed by credentials does ("Jane Roe, M.D., Ph.D.")."""
    return "" if text.rstrip().endswith(".") else "."


def sentence(text):
    """`text` ended with exactly one full stop."""
    return f"{text}{full_stop_after(text)}"
