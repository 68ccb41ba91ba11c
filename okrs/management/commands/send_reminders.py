import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from okrs.reminders import (
    DEFAULT_DAYS_BEFORE,
    DEFAULT_OVERDUE_EVERY,
    ReminderKind,
    send_submission_reminders,
)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-12.") from error


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days.")
    return int(text)


class Command(BaseCommand):
    help = (
        "E-mail directorate leads the values their units still owe: on the due date and "
        "the few days before it, then weekly once it has passed while entry is open. "
        "Run once a day (it keeps no record of what it sent)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get what; send nothing."
        )
        parser.add_argument(
            "--days-before",
            type=_days,
            default=DEFAULT_DAYS_BEFORE,
            help=f"Remind on this many days before the due date (default {DEFAULT_DAYS_BEFORE}).",
        )
        parser.add_argument(
            "--overdue-every",
            type=_days,
            default=DEFAULT_OVERDUE_EVERY,
            help=(
                "Once late, remind the day after the due date and then every this many "
                f"days (default {DEFAULT_OVERDUE_EVERY}; 1 for daily)."
            ),
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="Act as if today were YYYY-MM-DD."
        )

    def handle(self, *args, **options) -> None:
        today = options["today"] or timezone.localdate()
        dry_run = options["dry_run"]
        run = send_submission_reminders(
            today=today,
            dry_run=dry_run,
            days_before=options["days_before"],
            overdue_every=max(options["overdue_every"], 1),
        )
        verb = "Would send to" if dry_run else "Sent to"
        for outcome in run.outcomes:
            reminder = outcome.reminder
            who = f"{reminder.person.full_name} <{reminder.address}>"
            if outcome.error:
                self.stderr.write(f"Could not send to {who}: {outcome.error}")
                continue
            self.stdout.write(f"{verb} {who}: {outcome.subject}")
            for item in reminder.items:
                state = "overdue" if item.kind == ReminderKind.OVERDUE else "due"
                count = len(item.values)
                self.stdout.write(
                    f"  {item.unit.short_name}, {item.period.label}: "
                    f"{count} value{'' if count == 1 else 's'} {state}"
                )
            if options["verbosity"] > 1:
                self.stdout.write(outcome.body)
        for skipped in run.skipped:
            self.stdout.write(
                f"Skipped {skipped.unit.short_name}, {skipped.period.label}: {skipped.reason}"
            )
        if dry_run:
            summary = (
                f"Dry run for {today:%Y-%m-%d}: {len(run.outcomes)} reminder(s) would be sent, "
                f"{len(run.skipped)} skipped. Nothing was sent."
            )
        else:
            summary = (
                f"{today:%Y-%m-%d}: {len(run.sent)} reminder(s) sent, "
                f"{len(run.skipped)} skipped, {len(run.failed)} failed."
            )
        self.stdout.write(summary)
        if run.failed:
            raise CommandError(f"{len(run.failed)} reminder(s) could not be sent.")
