import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from okrs.actions import ensure_recent_periods


class Command(BaseCommand):
    help = (
        "Make the reporting periods whose entry window is open today (pages only read "
        "them: a GET never writes). Idempotent; run daily (send_reminders does it too)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Another day, as 2026-10-18 (default: today)")

    def handle(self, *args, today: str | None, **options) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today {today!r}: write a date such as 2026-10-18.") from error
        made = ensure_recent_periods(day)
        labels = ", ".join(period.label for period in made) or "none"
        self.stdout.write(f"Periods open on {day:%-d %B %Y}: {labels}.")
