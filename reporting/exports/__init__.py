"""Renderings of a Board pack (`reporting.pack.Pack`): the PDF, the workbook, the
CSV and the JSON. Each renders the one assembled report it is given; none reads
the database or computes a figure of its own. `render` is the one entry point,
for the background export and the command line alike."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from reporting.ipr import ipr_to_dict
from reporting.pack import Pack

FORMATS = ["pdf", "xlsx", "csv", "json"]


@dataclass
class Rendered:
    content: bytes
    page_count: int | None = None


def render(
    pack: Pack, file_format: str, *, progress: Callable[[str], None] | None = None
) -> Rendered:
    if file_format == "pdf":
        from reporting.exports.pdf import render_pdf

        printed = render_pdf(pack, progress=progress)
        return Rendered(printed.content, printed.page_count)
    if file_format == "xlsx":
        from reporting.exports.workbook import render_workbook

        return Rendered(render_workbook(pack))
    if file_format == "csv":
        from reporting.exports.csv_file import render_csv

        return Rendered(render_csv(pack))
    if file_format == "json":
        text = json.dumps(ipr_to_dict(pack.report), indent=2, ensure_ascii=False)
        return Rendered((text + "\n").encode())
    raise ValueError(f"Unknown pack format {file_format!r}; one of {', '.join(FORMATS)}.")
