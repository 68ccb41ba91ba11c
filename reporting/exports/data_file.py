"""A published edition's flat data (`reporting.pack.flat_rows`) as a data file for
business-intelligence tools: Parquet, with the same columns as the CSV and a type
for each (`FLAT_TYPES`), so Power BI, R or pandas read numbers as numbers and dates
as dates without guessing. docs/exports.md lists the types; a test keeps the two
the same."""

import datetime
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reporting.pack import FLAT_COLUMNS, Pack, flat_rows

# Each column's type in the Parquet file: text, a whole number, a decimal number
# (a missing value is null), a date, or true/false (the CSV's 1 and 0).
TEXT, WHOLE, NUMBER, DATE, YES_NO = "text", "whole number", "number", "date", "true/false"
FLAT_TYPES = {
    "objective_number": WHOLE,
    "period_start": DATE,
    "is_report_period": YES_NO,
    "value": NUMBER,
    "numerator": NUMBER,
    "denominator": NUMBER,
    "target": NUMBER,
    "tolerance_assumed": YES_NO,
    "spc_mean": NUMBER,
    "spc_lower_limit": NUMBER,
    "spc_upper_limit": NUMBER,
    "is_demo": YES_NO,
}
_PANDAS_TYPES = {
    TEXT: "string",
    WHOLE: "int64",
    NUMBER: "float64",
    YES_NO: "bool",
}


def column_type(column: str) -> str:
    return FLAT_TYPES.get(column, TEXT)


def data_frame(pack: Pack) -> pd.DataFrame:
    """The flat rows as a table whose columns, in the CSV's order, carry their types."""
    columns = [column for column, _ in FLAT_COLUMNS]
    frame = pd.DataFrame(flat_rows(pack), columns=columns)
    for column in columns:
        kind = column_type(column)
        if kind == DATE:
            frame[column] = [datetime.date.fromisoformat(text) for text in frame[column]]
        else:
            frame[column] = frame[column].astype(_PANDAS_TYPES[kind])
    return frame


# Plain `string` rather than pandas' default `large_string`: every Parquet reader
# takes it (a column of one report's text is far below its 2 GB limit).
_PARQUET_TYPES = {
    TEXT: pa.string(),
    WHOLE: pa.int64(),
    NUMBER: pa.float64(),
    DATE: pa.date32(),
    YES_NO: pa.bool_(),
}


def render_parquet(pack: Pack) -> bytes:
    schema = pa.schema(
        [(column, _PARQUET_TYPES[column_type(column)]) for column, _ in FLAT_COLUMNS]
    )
    table = pa.Table.from_pandas(data_frame(pack), schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()
