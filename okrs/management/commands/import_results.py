"""Import a file of results from the command line: the same reading, checks and
all-or-nothing save as the upload page (okrs/imports/)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from okrs import imports
from okrs.imports import report


class Command(BaseCommand):
    help = (
        "Import results from a CSV or XLSX file (columns okr_code, unit, period, value, "
        "comment), all or nothing. Exits with 1 if any row is in error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file.")
        parser.add_argument(
            "--user", required=True, help="Username of the person importing (their rights apply)."
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why: required for board secretaries and administrators, kept in the history.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, save nothing."
        )

    def handle(self, *args, file: str, user: str, reason: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        if problem := imports.reason_problem(reason):
            raise CommandError(f"{problem}.")
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"There is no user called {user}.")
        if path.stat().st_size > imports.MAX_FILE_BYTES:
            # Refused before it is read into memory.
            size = path.stat().st_size / 1024 / 1024
            raise CommandError(
                f"The file is {size:.1f} MB. The largest file you can import is "
                f"{imports.MAX_FILE_BYTES // 1024 // 1024} MB: split it into smaller files."
            )
        today = timezone.localdate()
        try:
            preview = imports.import_file(
                by=by,
                filename=path.name,
                content=path.read_bytes(),
                reason=reason,
                today=today,
                dry_run=dry_run,
            )
        except imports.FileProblem as problem:
            raise CommandError(str(problem)) from None
        self._report(preview)
        if preview.has_errors:
            raise CommandError(f"Nothing was saved: {report.nothing_saved(preview)}.")
        if dry_run:
            self.stdout.write(
                f"Dry run: nothing saved. Saving would write {preview.writes} "
                f"value{'s' if preview.writes != 1 else ''}."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Saved {preview.saved} value{'s' if preview.saved != 1 else ''}."
                )
            )

    def _report(self, preview: imports.UploadPreview) -> None:
        for line in report.row_lines(preview):
            self.stdout.write(self.style.ERROR(line.text) if line.is_error else line.text)
