"""The pack's flat data as CSV: one row per OKR × unit × period (`flat_rows`), the
header from `FLAT_COLUMNS`.

Encoding: UTF-8 with a byte-order mark. Without the mark Excel reads a CSV in the
PC's legacy code page, so the report's "—", "≥", "&" in names and the true minus
"−" (U+2212) in statements arrive garbled; with it Excel, LibreOffice and
Python's `utf-8-sig` all read the text as written. Other programs skip the mark
or show it once at the start of the first header.

Layout follows RFC 4180: comma-separated, fields with a comma, quote or line break
quoted (quotes doubled), CRLF line endings. Numbers are written plainly — "." as
the decimal point, no thousands separators, no exponent, no trailing ".0" on a
whole number (92, not 92.0) — so any program parses them as numbers; a missing
value is an empty field. Text a spreadsheet would run as a formula (starting with
"=", "+", "-", "@", a tab or a carriage return) is prefixed with a single quote:
see `reporting.exports.formulas`.
"""

import csv
import io

from okrs.formatting import plain_number
from reporting.exports.formulas import as_csv_text
from reporting.pack import FLAT_COLUMNS, Pack, flat_rows


def render_csv(pack: Pack) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = [column for column, _ in FLAT_COLUMNS]
    writer.writerow(columns)
    for row in flat_rows(pack):
        writer.writerow([_field(row[column]) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return plain_number(value)
    return as_csv_text(str(value))
