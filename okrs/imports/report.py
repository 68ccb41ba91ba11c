"""What the command-line imports (`import_results`, `pull_results`) print of a
preview: the rows that write or are in error, the counts, and why nothing was saved.
Pure: each line with whether it reports an error, for the command to style."""

from dataclasses import dataclass

from okrs.imports.matching import RowOutcome
from okrs.imports.planning import UploadPreview


@dataclass(frozen=True)
class Line:
    text: str
    is_error: bool = False


def row_lines(preview: UploadPreview) -> list[Line]:
    """Each row that writes or is in error, the problems of the whole request, then
    the count of each outcome."""
    shown = (RowOutcome.NEW, RowOutcome.CHANGED, RowOutcome.ERROR)
    lines = []
    for row in preview.rows:
        if row.outcome not in shown and not row.writes:
            continue
        text = (
            f"row {row.row.number}: {row.outcome:<9} {row.row.okr_code} | {row.row.unit} | "
            f"{row.row.period} | {row.row.value}"
        )
        if row.message:
            text += f" | {row.message}"
        lines.append(Line(text, is_error=row.outcome == RowOutcome.ERROR))
    lines += [Line(problem, is_error=True) for problem in preview.general_errors]
    counts = preview.counts
    lines.append(
        Line(", ".join(f"{counts[outcome]} {outcome}" for outcome in RowOutcome.ORDER) + ".")
    )
    return lines


def nothing_saved(preview: UploadPreview) -> str:
    """Why nothing was saved, in one sentence's worth: '2 rows in error; Give a reason'."""
    parts = []
    errors = len(preview.error_rows)
    if errors:
        parts.append(f"{errors} row{'s' if errors != 1 else ''} in error")
    parts.extend(problem.rstrip(".") for problem in preview.general_errors)
    return "; ".join(parts)
