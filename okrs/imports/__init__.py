"""Uploading results in a file: reading a CSV or XLSX (`reading`), turning its rows
into changes for the one planner (`matching`), previewing and saving them
(`planning`), keeping an upload between its preview and confirmation (`storing`),
and the pre-filled template (`templates`).

An upload is all or nothing: one row in error and nothing is saved. An empty value
leaves the result as it is (an upload never deletes), and rows with neither a value
nor a comment are skipped, so a template can go back with only some values filled.

The names below are the ones the views and commands use. Limits live in `reading`
(and `storing` for the uploads kept): change them there, e.g. in a test.
"""

from okrs.imports.matching import (
    Lookups,
    RowOutcome,
    UploadRow,
    build_changes,
    load_lookups,
)
from okrs.imports.planning import (
    UploadPreview,
    commit_preview,
    import_file,
    preview_rows,
)
from okrs.imports.reading import (
    COLUMNS,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    FileProblem,
    FileRow,
    escape_text,
    normalise_header,
    read_result_file,
)
from okrs.imports.storing import (
    MAX_UNCONFIRMED_UPLOADS,
    UNCONFIRMED_UPLOAD_DAYS,
    UploadRefused,
    commit_upload,
    discard_upload,
    preview_upload,
    prune_unconfirmed_uploads,
    reason_problem,
    set_upload_reason,
    store_upload,
)
from okrs.imports.templates import (
    TemplateRow,
    template_csv,
    template_filename,
    template_rows,
    template_xlsx,
)

__all__ = [
    "COLUMNS",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "MAX_UNCONFIRMED_UPLOADS",
    "UNCONFIRMED_UPLOAD_DAYS",
    "FileProblem",
    "FileRow",
    "Lookups",
    "RowOutcome",
    "TemplateRow",
    "UploadPreview",
    "UploadRefused",
    "UploadRow",
    "build_changes",
    "commit_preview",
    "commit_upload",
    "discard_upload",
    "escape_text",
    "import_file",
    "load_lookups",
    "normalise_header",
    "preview_rows",
    "preview_upload",
    "prune_unconfirmed_uploads",
    "read_result_file",
    "reason_problem",
    "set_upload_reason",
    "store_upload",
    "template_csv",
    "template_filename",
    "template_rows",
    "template_xlsx",
]
