import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from reporting.ipr import assemble_ipr, ipr_to_dict


class Command(BaseCommand):
    help = "Write the Integrated Performance Report for a data month (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The data month, YYYY-MM.")
        parser.add_argument("--format", default="json", choices=["json"])
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, period: str, format: str, output: str | None, **options) -> None:
        try:
            month = datetime.datetime.strptime(period, "%Y-%m").date()
        except ValueError as error:
            raise CommandError(f"--period must be a month like 2020-09, not {period!r}.") from error
        text = json.dumps(ipr_to_dict(assemble_ipr(month)), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"IPR for {period} written to {output}.")
        else:
            sys.stdout.write(text + "\n")
