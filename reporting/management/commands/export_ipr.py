"""Write a month's IPR pack from the command line, e.g. on a schedule:

    python manage.py export_ipr --period 2020-09 --format pdf --output ipr.pdf

Without --revision it exports the month's latest published edition, or today's
draft (marked as such) when the month is not yet published; --draft forces the
draft. The files are the same renderings of the same report as the browser's.
"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from reporting import selectors
from reporting.exports import FORMATS, render
from reporting.pack import Pack, draft_pack, pack_for_edition

BINARY_FORMATS = {"pdf", "xlsx"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The data month, YYYY-MM.")
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument(
            "--output", help="File to write (default: standard output, for csv and json)."
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--revision", type=int, help="A published revision of the month.")
        which.add_argument("--draft", action="store_true", help="Today's draft, not published.")

    def handle(self, *args, period, format, output, revision, draft, **options) -> None:
        try:
            month = datetime.datetime.strptime(period, "%Y-%m").date()
        except ValueError as error:
            raise CommandError(f"--period must be a month like 2020-09, not {period!r}.") from error
        if format in BINARY_FORMATS and not output:
            raise CommandError(f"A {format} file needs --output FILE.")
        pack = self._pack(month, revision, draft)
        content = render(pack, format).content
        if output:
            with open(output, "wb") as file:
                file.write(content)
            self.stderr.write(f"{pack.running_header}: {format} written to {output}.")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def _pack(self, month: datetime.date, revision: int | None, draft: bool) -> Pack:
        editions = selectors.editions_for_month(month)
        if revision is not None:
            edition = next((e for e in editions if e.revision == revision), None)
            if edition is None:
                published = ", ".join(str(e.revision) for e in editions) or "none"
                raise CommandError(
                    f"{month:%B %Y} has no revision {revision} (published revisions: {published})."
                )
            return pack_for_edition(edition)
        if editions and not draft:
            return pack_for_edition(editions[0])
        return draft_pack(month)
