"""Text a spreadsheet would take for a formula ("CSV injection"): a cell starting
with "=", "+", "-", "@", a tab or a carriage return can run as a formula when the
file is opened (OWASP, "CSV Injection"). The report's text comes from people (OKR
statements, narratives), so neither export lets such text run.

The workbook stores it as a text cell, which Excel never evaluates; the CSV has no
cell types, so its text gets OWASP's prefix, a single quote, which spreadsheets
show as text. Numbers are not text: a negative value stays a number.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def as_csv_text(text: str) -> str:
    """The text as a CSV field a spreadsheet shows rather than runs."""
    return "'" + text if looks_like_formula(text) else text
