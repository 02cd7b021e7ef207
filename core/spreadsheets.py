"""Cells of the CSV files people download: a spreadsheet runs a cell that starts with
one of these characters as a formula (a tab or carriage return can start one too)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text):
    """`text` as a spreadsheet will show it rather than run it: quoted when it could start a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
