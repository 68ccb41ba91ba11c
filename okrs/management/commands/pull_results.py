"""Pull results from the data warehouse: a configured source's query, run read-only,
saved through the same checks and all-or-nothing save as the upload page
(okrs/warehouse/, docs/warehouse-feed.md)."""

from django.core.management.base import BaseCommand, CommandError

from okrs import warehouse
from okrs.imports import UploadPreview, report

# Saved, but a lead could not be e-mailed: not "nothing was saved" (1).
EMAIL_FAILED = 2


def _values(count: int) -> str:
    return f"{count} value{'s' if count != 1 else ''}"


class Command(BaseCommand):
    help = (
        "Run a warehouse source’s query (read-only) and save its rows (columns okr_code, "
        "unit, period, value, comment) as drafts or submitted, all or nothing. Exits with 1 "
        "if anything is in error (nothing saved), 2 if saved but a lead could not be e-mailed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", nargs="?", help="The source’s name in the sources file (see --list)."
        )
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_sources",
            help="List the configured sources and stop.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; save and send nothing."
        )
        status = parser.add_mutually_exclusive_group()
        status.add_argument(
            "--submit",
            action="store_const",
            const=True,
            dest="submit",
            help="Save the values as submitted, whatever the source’s status says.",
        )
        status.add_argument(
            "--draft",
            action="store_const",
            const=False,
            dest="submit",
            help="Save the values as drafts, whatever the source’s status says.",
        )

    def handle(
        self, *args, source: str | None, list_sources: bool, dry_run: bool, submit, **options
    ):
        try:
            if list_sources:
                if source:
                    raise CommandError("Give a source’s name or --list, not both.")
                self._list()
                return
            if not source:
                raise CommandError(
                    "Name the source to pull (python manage.py pull_results --list shows them)."
                )
            found = warehouse.find_source(source)
            run = warehouse.pull(source=found, submit=submit, dry_run=dry_run)
        except warehouse.FeedProblem as problem:
            raise CommandError(str(problem)) from None
        self._report(run)

    def _list(self) -> None:
        sources = warehouse.load_sources()
        if not sources:
            self.stdout.write(
                "No warehouse sources are configured (set WAREHOUSE_SOURCES_FILE; "
                "see docs/warehouse-feed.md)."
            )
            return
        for source in sources.values():
            query = f"query from {source.query_file}" if source.query_file else "query in the file"
            self.stdout.write(
                f"{source.name}: saved as {source.status}, acting as {source.acts_as}; "
                f"database URL in {source.database_url_env}; {query}; "
                f"timeout {source.timeout_seconds} s"
            )

    def _report(self, run: warehouse.FeedRun) -> None:
        how = "as submitted" if run.submit else "as drafts"
        count = len(run.rows)
        self.stdout.write(
            f"Source {run.source.name}: {count} row{'s' if count != 1 else ''} from the "
            f"warehouse ({how}, acting as {run.by.username})."
        )
        if run.preview is None:
            self.stdout.write("The query returned no rows: nothing to save.")
            return
        preview = run.preview
        self._rows(preview)
        if preview.has_errors:
            self._problems(preview)
            raise CommandError(f"Nothing was saved: {report.nothing_saved(preview)}.")
        as_what = "as submitted" if run.submit else "as drafts"
        if run.dry_run:
            self.stdout.write(
                f"Dry run: nothing saved and no e-mail sent. Saving would write "
                f"{_values(preview.writes)} {as_what}."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Saved {_values(run.saved)} {as_what}."))
        self._emails(run)

    def _rows(self, preview: UploadPreview) -> None:
        for line in report.row_lines(preview):
            self.stdout.write(self.style.ERROR(line.text) if line.is_error else line.text)

    def _problems(self, preview: UploadPreview) -> None:
        """Each distinct problem once, with the rows it concerns."""
        if not preview.error_rows:
            return
        self.stdout.write("Problems:")
        for group in preview.listed_problems:
            self.stdout.write(self.style.ERROR(f"  {group.label}: {group.message}"))
        if more := preview.problem_rows_not_listed:
            self.stdout.write(f"  and {more:,} more row{'s' if more != 1 else ''} in error.")

    def _emails(self, run: warehouse.FeedRun) -> None:
        if run.submit:
            return
        verb = "Would e-mail" if run.dry_run else "E-mailed"
        for email in run.emails:
            about = f"{email.unit.short_name} ({_values(email.values)} to check)"
            if email.error:
                self.stderr.write(f"Could not e-mail {email.to_text} about {about}: {email.error}")
            else:
                self.stdout.write(f"{verb} {email.to_text} about {about}.")
        for skipped in run.not_told:
            self.stdout.write(f"Not e-mailed for {skipped.unit.short_name}: {skipped.reason}.")
        if failed := run.failed_emails:
            units = ", ".join(email.unit.short_name for email in failed)
            raise CommandError(
                f"Saved {_values(run.saved)}, but {len(failed)} e-mail"
                f"{'s' if len(failed) != 1 else ''} could not be sent ({units}): tell "
                "those leads the drafts are waiting for them.",
                returncode=EMAIL_FAILED,
            )
