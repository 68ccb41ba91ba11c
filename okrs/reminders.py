"""Reminder e-mails to directorate leads about values their units still owe.

Who is reminded of what is decided by pure functions (`reminder_kind`,
`plan_reminders`, `reminder_message`) over the submissions of the open periods;
`send_submission_reminders` reads those, and sends one e-mail per lead. The
`send_reminders` management command runs it; schedule it once a day (see
docs/operations.md).

The daily run is stateless on purpose: nothing records that its reminders went
out. Whether a unit is reminded follows from the date alone, so a command run once
a day sends each reminder once; running it twice on one day sends it twice.

A board secretary can also remind one unit by hand, whatever the day, from the
month close (`plan_unit_reminder`, sent and recorded by
`reporting.actions.month_close.remind_unit`).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.dateformat import format as format_date

from objectives.models import OrganisationalUnit, Person
from okrs import actions, selectors
from okrs.models import ReportingPeriod
from okrs.selectors.submissions import (
    OwedValue,
    SubmissionStatus,
    UnitSubmission,
    submissions_for_period,
)

# Remind leads on the due date and on each of this many days before it.
DEFAULT_DAYS_BEFORE = 3
# Once late, remind the day after the due date and then weekly while the window is
# open: daily for the weeks a quarter's window stays open would be nagging.
DEFAULT_OVERDUE_EVERY = 7


class ReminderKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


# Which statuses each kind of reminder is about.
_REMINDED_STATUSES = {
    ReminderKind.DUE_SOON: {SubmissionStatus.MISSING, SubmissionStatus.DRAFT},
    ReminderKind.OVERDUE: {SubmissionStatus.LATE},
}


def reminder_kind(
    period: ReportingPeriod,
    today: datetime.date,
    *,
    days_before: int = DEFAULT_DAYS_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
) -> ReminderKind | None:
    """Whether `today` is a day to remind leads about `period`, and of what."""
    if not period.is_open_on(today):
        return None
    days_to_due = (period.due_on - today).days
    if 0 <= days_to_due <= days_before:
        return ReminderKind.DUE_SOON
    days_late = -days_to_due
    if days_late > 0 and (days_late - 1) % max(overdue_every, 1) == 0:
        return ReminderKind.OVERDUE
    return None


def lead_address(person: Person) -> str:
    """The lead's own e-mail address as recorded, else their account's."""
    if person.email:
        return person.email
    return person.user.email if person.user is not None else ""


def _anyone_may_enter(person: Person, unit: OrganisationalUnit) -> bool:
    return True


def why_not_reminded(
    person: Person,
    unit: OrganisationalUnit,
    may_enter: Callable[[Person, OrganisationalUnit], bool],
) -> str:
    if person.user is None:
        return f"{person.full_name} has no user account, so cannot enter results"
    if not person.user.is_active:
        return f"{person.full_name}'s user account is inactive"
    if not may_enter(person, unit):
        return f"{person.full_name}'s account may not enter results for {unit.short_name}"
    if not lead_address(person):
        return f"{person.full_name} has no e-mail address"
    return ""


@dataclass(frozen=True)
class UnitReminder:
    """What one unit still owes for one period."""

    unit: OrganisationalUnit
    period: ReportingPeriod
    kind: ReminderKind
    values: tuple[OwedValue, ...]


@dataclass(frozen=True)
class Reminder:
    """One e-mail to one lead, covering every unit and period they are reminded of."""

    person: Person
    address: str
    items: tuple[UnitReminder, ...]

    @property
    def is_overdue(self) -> bool:
        return any(item.kind == ReminderKind.OVERDUE for item in self.items)


@dataclass(frozen=True)
class Skipped:
    """A unit owing values whose lead (or lack of one) cannot be reminded."""

    unit: OrganisationalUnit
    period: ReportingPeriod
    person: Person | None
    reason: str


@dataclass(frozen=True)
class ReminderPlan:
    reminders: list[Reminder]
    skipped: list[Skipped]


def plan_reminders(
    submissions: Iterable[UnitSubmission],
    leads: Mapping[int, Sequence[Person]],
    *,
    today: datetime.date,
    days_before: int = DEFAULT_DAYS_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
    may_enter: Callable[[Person, OrganisationalUnit], bool] = _anyone_may_enter,
) -> ReminderPlan:
    """Who gets which reminder on `today`, from each unit's submission for its
    period and the leads of each unit (by unit id).

    Up to the due date (on it and the `days_before` days before it) a lead
    is reminded of missing and draft values; after it, while the window is open,
    of late ones (see `reminder_kind`). A lead gets one reminder listing all their
    units and periods. A unit owing values with no lead, or a lead with no account,
    an inactive account, an account that may not enter the unit's results
    (`may_enter`) or no e-mail address, is returned as skipped.
    """
    items_by_person: dict[int, list[UnitReminder]] = {}
    people: dict[int, Person] = {}
    skipped: list[Skipped] = []
    for submission in submissions:
        period = submission.period
        kind = reminder_kind(period, today, days_before=days_before, overdue_every=overdue_every)
        if kind is None:
            continue
        owed = tuple(
            value for value in submission.values if value.status in _REMINDED_STATUSES[kind]
        )
        if not owed:
            continue
        item = UnitReminder(unit=submission.unit, period=period, kind=kind, values=owed)
        _add_item(
            item, leads.get(submission.unit.pk, ()), may_enter, people, items_by_person, skipped
        )
    return _plan(people, items_by_person, skipped)


def _add_item(item, unit_leads, may_enter, people, items_by_person, skipped) -> None:
    """Add one unit's reminder to each of its leads who can be reminded; the
    others (or the unit, with no lead) are skipped with the reason."""
    if not unit_leads:
        skipped.append(Skipped(item.unit, item.period, None, "no lead recorded"))
        return
    for person in unit_leads:
        reason = why_not_reminded(person, item.unit, may_enter)
        if reason:
            skipped.append(Skipped(item.unit, item.period, person, reason))
            continue
        people[person.pk] = person
        items_by_person.setdefault(person.pk, []).append(item)


def _plan(people, items_by_person, skipped) -> ReminderPlan:
    reminders = [
        Reminder(person=people[pk], address=lead_address(people[pk]), items=tuple(items))
        for pk, items in items_by_person.items()
    ]
    reminders.sort(key=lambda reminder: (reminder.person.full_name, reminder.person.pk))
    return ReminderPlan(reminders=reminders, skipped=skipped)


def plan_unit_reminder(
    submission: UnitSubmission,
    unit_leads: Sequence[Person],
    *,
    today: datetime.date,
    may_enter: Callable[[Person, OrganisationalUnit], bool] = _anyone_may_enter,
) -> ReminderPlan:
    """A reminder asked for by hand (the month close) to one unit's leads about
    one period, whatever the day: of every value not yet submitted, as overdue
    once the due date has passed. Nothing to remind of is an empty plan."""
    owed = tuple(value for value in submission.values if value.status != SubmissionStatus.SUBMITTED)
    people: dict[int, Person] = {}
    items_by_person: dict[int, list[UnitReminder]] = {}
    skipped: list[Skipped] = []
    if owed:
        period = submission.period
        kind = ReminderKind.OVERDUE if today > period.due_on else ReminderKind.DUE_SOON
        item = UnitReminder(unit=submission.unit, period=period, kind=kind, values=owed)
        _add_item(item, unit_leads, may_enter, people, items_by_person, skipped)
    return _plan(people, items_by_person, skipped)


def _day(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _owed_text(value: OwedValue) -> str:
    if value.result is None:
        return "no value yet"
    return "saved as a draft, not submitted"


def entry_url(unit: OrganisationalUnit, period: ReportingPeriod, site_url: str) -> str:
    path = reverse("okrs:enter_results", kwargs={"unit": unit.slug, "period": period.pk})
    return f"{site_url.rstrip('/')}{path}"


def reminder_message(
    reminder: Reminder,
    *,
    today: datetime.date,
    site_url: str,
    trust_name: str,
    sent_by: str = "",
) -> tuple[str, str]:
    """The subject and plain-text body of a reminder: the daily automatic one, or
    (`sent_by`) one a named person sent by hand."""
    if reminder.is_overdue:
        subject = "Strategy Portal: results overdue"
    else:
        due = min(item.period.due_on for item in reminder.items)
        subject = f"Strategy Portal: results due by {_day(due)}"
    lines = [
        f"Dear {reminder.person.full_name},",
        "",
        "You are recorded as the directorate lead for the units below. These values "
        "are still owed:",
    ]
    for item in reminder.items:
        period = item.period
        days_to_due = (period.due_on - today).days
        entry_closed = today > period.closes_on
        if item.kind == ReminderKind.OVERDUE:
            closes = "closed" if entry_closed else "closes"
            when = (
                f"was due {_day(period.due_on)} ({_days(-days_to_due)} ago); "
                f"entry {closes} {_day(period.closes_on)}"
            )
        elif days_to_due == 0:
            when = f"due today, {_day(period.due_on)}"
        else:
            when = f"due {_day(period.due_on)} (in {_days(days_to_due)})"
        lines += ["", f"{item.unit.name}, {period.label}: {when}"]
        lines += [f"  - {value.key_result.statement}: {_owed_text(value)}" for value in item.values]
        if entry_closed:
            # Only a board secretary or administrator can enter them now (a correction).
            who = sent_by or "a board secretary"
            lines.append(f"Entry has closed: send the values to {who}, who will enter them.")
        else:
            lines.append(f"Enter and submit them at {entry_url(item.unit, period, site_url)}")
    lines += [
        "",
        "A value saved as a draft is not submitted until you submit it.",
        "",
        f"Strategy Portal, {trust_name}",
    ]
    if sent_by:
        lines.append(f"{sent_by} sent you this reminder while closing the month's report.")
    else:
        lines.append(
            "This is an automatic reminder, sent each day until the due date and weekly "
            "after it while entry is open, as long as values are owed."
        )
    return subject, "\n".join(lines) + "\n"


@dataclass
class ReminderOutcome:
    reminder: Reminder
    subject: str
    body: str
    sent: bool = False
    error: str = ""


@dataclass
class ReminderRun:
    today: datetime.date
    dry_run: bool
    outcomes: list[ReminderOutcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def sent(self) -> list[ReminderOutcome]:
        return [outcome for outcome in self.outcomes if outcome.sent]

    @property
    def failed(self) -> list[ReminderOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error]


def owing_submissions(
    today: datetime.date,
    *,
    days_before: int = DEFAULT_DAYS_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
) -> list[UnitSubmission]:
    """The submissions of the periods that are a reminder day today, with each
    unit's leads and their accounts loaded. Periods open today are created first."""
    actions.ensure_recent_periods(today)
    units = OrganisationalUnit.objects.prefetch_related(
        Prefetch("leads", queryset=Person.objects.select_related("user").order_by("full_name"))
    )
    submissions: list[UnitSubmission] = []
    for period in selectors.periods_open_on(today):
        if reminder_kind(period, today, days_before=days_before, overdue_every=overdue_every):
            submissions += submissions_for_period(period, units, today)
    return submissions


def lead_may_enter(person: Person, unit: OrganisationalUnit) -> bool:
    return person.user.has_perm("portal.enter_results_for_unit", unit)


def send_submission_reminders(
    *,
    today: datetime.date,
    dry_run: bool = False,
    days_before: int = DEFAULT_DAYS_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
) -> ReminderRun:
    """Send today's reminders (or, with `dry_run`, only say what they would be).

    A message that cannot be sent is reported in the run and does not stop the others.
    """
    submissions = owing_submissions(today, days_before=days_before, overdue_every=overdue_every)
    leads = {submission.unit.pk: list(submission.unit.leads.all()) for submission in submissions}
    plan = plan_reminders(
        submissions,
        leads,
        today=today,
        days_before=days_before,
        overdue_every=overdue_every,
        may_enter=lead_may_enter,
    )
    run = ReminderRun(today=today, dry_run=dry_run, skipped=plan.skipped)
    mailer = None if dry_run else mailers.default
    for reminder in plan.reminders:
        subject, body = reminder_message(
            reminder, today=today, site_url=settings.SITE_URL, trust_name=settings.TRUST_NAME
        )
        outcome = ReminderOutcome(reminder=reminder, subject=subject, body=body)
        run.outcomes.append(outcome)
        if mailer is None:
            continue
        message = EmailMessage(subject=subject, body=body, to=[reminder.address])
        try:
            outcome.sent = mailer.send_messages([message]) == 1
        except Exception as error:  # One refused address must not stop the others.
            outcome.error = str(error) or error.__class__.__name__
        else:
            if not outcome.sent:
                outcome.error = "the mail backend did not accept the message"
    return run
