"""Pulling a source: its rows read from the warehouse (`querying`), planned and saved
by the upload's planner as one batch, all or nothing (okrs/imports/), as the account
the source acts as; then, for a batch of drafts, each unit's leads e-mailed once to
check and submit what the feed filled in.

The values are saved before any e-mail goes: a message the mail server refuses is
reported in the run and undoes nothing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.system_actor import SYSTEM_USERNAME
from objectives.models import OrganisationalUnit, Person
from okrs import imports
from okrs.formatting import okr_value_text
from okrs.imports import FileRow, RowOutcome, UploadPreview
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.reminders import entry_url, lead_address, lead_may_enter, why_not_reminded
from okrs.warehouse.querying import fetch_rows, read_only_connection
from okrs.warehouse.sources import FeedProblem, Source


@dataclass(frozen=True)
class FilledValue:
    """A value the feed saved (or, in a dry run, would save) for a unit."""

    key_result: KeyResult
    period: ReportingPeriod
    value: Decimal | None
    outcome: str  # new or changed
    # A value already submitted stays submitted when it is changed (as when a lead
    # saves a draft over it); the e-mail says so.
    submitted: bool


@dataclass
class LeadEmail:
    """One e-mail to one unit's leads about the drafts the feed filled in."""

    unit: OrganisationalUnit
    people: list[Person]
    subject: str
    body: str
    values: int
    sent: bool = False
    error: str = ""

    @property
    def addresses(self) -> list[str]:
        return [lead_address(person) for person in self.people]

    @property
    def to_text(self) -> str:
        return ", ".join(f"{person.full_name} <{lead_address(person)}>" for person in self.people)


@dataclass(frozen=True)
class NotTold:
    """A unit's lead (or a unit with none) who cannot be e-mailed, and why."""

    unit: OrganisationalUnit
    person: Person | None
    reason: str


@dataclass
class FeedRun:
    source: Source
    by: object  # the account the source acts as
    submit: bool
    dry_run: bool
    rows: list[FileRow]
    preview: UploadPreview | None = None
    emails: list[LeadEmail] = field(default_factory=list)
    not_told: list[NotTold] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return self.preview is not None and self.preview.has_errors

    @property
    def saved(self) -> int:
        return (self.preview.saved or 0) if self.preview is not None else 0

    @property
    def failed_emails(self) -> list[LeadEmail]:
        return [email for email in self.emails if email.error]


def acting_account(source: Source):
    """The account whose rights apply and whom the history names."""
    user = get_user_model().objects.filter(username=source.acts_as).first()
    if user is None:
        raise FeedProblem(
            f"The source {source.name} acts as {source.acts_as}, and there is no account "
            "with that username. Create the feed’s account (docs/warehouse-feed.md) or "
            "correct acts_as."
        )
    if user.username == SYSTEM_USERNAME:
        raise FeedProblem(
            f"The source {source.name} acts as the portal’s own account, which enters only "
            "the seeded papers. Create an account for the feed with the role it needs, "
            "and name it in acts_as."
        )
    if not user.is_active:
        raise FeedProblem(
            f"The account {source.acts_as} that source {source.name} acts as is inactive: "
            "make it active again in Users, or name another account in acts_as."
        )
    return user


def pull(
    *,
    source: Source,
    submit: bool | None = None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> FeedRun:
    """Read the source's rows and save them as one batch: submitted or as drafts (the
    source's status unless `submit` says), or, with `dry_run`, only say what saving
    would do. A `FeedProblem` when the source cannot be read; rows in error are in
    the run's preview, and then nothing is saved and no one is e-mailed."""
    today = today or timezone.localdate()
    submit = source.submit if submit is None else submit
    by = acting_account(source)
    with read_only_connection(source) as connection:
        rows = fetch_rows(source, connection)
    run = FeedRun(source=source, by=by, submit=submit, dry_run=dry_run, rows=rows)
    if not rows:
        return run
    run.preview = _plan_and_save(
        by=by, rows=rows, reason=source.reason, today=today, submit=submit, dry_run=dry_run
    )
    if run.has_errors or submit:
        return run
    run.emails, run.not_told = plan_lead_emails(run, today=today)
    if not dry_run:
        for email in run.emails:
            _send(email, reply_to=by.email)
    return run


@transaction.atomic
def _plan_and_save(
    *, by, rows: list[FileRow], reason: str, today: datetime.date, submit: bool, dry_run: bool
) -> UploadPreview:
    """As the command line's import (imports.import_file), from rows already read:
    the results concerned are locked between the plan and the save."""
    preview = imports.preview_rows(
        by=by, rows=rows, reason=reason, today=today, lock=not dry_run, submit=submit
    )
    if dry_run:
        return preview
    return imports.commit_preview(by=by, preview=preview, today=today)


def filled_values(preview: UploadPreview) -> dict[int, list[FilledValue]]:
    """What the batch saved (or would save), by unit id, in period and code order."""
    written = [row for row in preview.rows if row.writes and row.change is not None]
    changes = [row.change for row in written]
    submitted = set(
        Result.objects.filter(
            key_result__in={change.key_result.pk for change in changes},
            unit__in={change.unit.pk for change in changes},
            period__in={change.period.pk for change in changes},
            status=Result.Status.SUBMITTED,
        ).values_list("key_result_id", "unit_id", "period_id")
    )
    by_unit: dict[int, list[FilledValue]] = defaultdict(list)
    for row in written:
        change = row.change
        key = (change.key_result.pk, change.unit.pk, change.period.pk)
        by_unit[change.unit.pk].append(
            FilledValue(
                key_result=change.key_result,
                period=change.period,
                value=row.value,
                outcome=row.outcome,
                submitted=key in submitted,
            )
        )
    for values in by_unit.values():
        values.sort(key=lambda filled: (filled.period.starts_on, filled.key_result.code))
    return by_unit


def plan_lead_emails(
    run: FeedRun, *, today: datetime.date
) -> tuple[list[LeadEmail], list[NotTold]]:
    """One e-mail per unit the batch filled in values for, to its leads who can be
    told (an active account that may enter the unit's results, and an address);
    the others, and units with no lead, as not told with the reason."""
    by_unit = filled_values(run.preview)
    units = OrganisationalUnit.objects.filter(pk__in=by_unit).prefetch_related(
        Prefetch("leads", queryset=Person.objects.select_related("user").order_by("full_name"))
    )
    emails: list[LeadEmail] = []
    not_told: list[NotTold] = []
    for unit in sorted(units, key=lambda unit: (unit.order, unit.name)):
        leads = list(unit.leads.all())
        if not leads:
            not_told.append(NotTold(unit, None, "no lead recorded"))
            continue
        people = []
        for person in leads:
            if reason := why_not_reminded(person, unit, lead_may_enter):
                not_told.append(NotTold(unit, person, reason))
            else:
                people.append(person)
        if people:
            values = by_unit[unit.pk]
            subject, body = lead_message(
                source=run.source,
                unit=unit,
                people=people,
                values=values,
                by=run.by,
                today=today,
                site_url=settings.SITE_URL,
                trust_name=settings.TRUST_NAME,
            )
            emails.append(LeadEmail(unit, people, subject, body, values=len(values)))
    return emails, not_told


def lead_message(
    *,
    source: Source,
    unit: OrganisationalUnit,
    people: list[Person],
    values: list[FilledValue],
    by,
    today: datetime.date,
    site_url: str,
    trust_name: str,
) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail to a unit's leads."""
    count = len(values)
    plural = "" if count == 1 else "s"
    subject = (
        f"Strategy Portal: {count} value{plural} from the data warehouse to check for "
        f"{unit.short_name}"
    )
    names = [person.full_name for person in people]
    dear = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    lines = [
        f"Dear {dear},",
        "",
        f"The data warehouse feed ‘{source.name}’ filled in {count} value{plural} for "
        f"{unit.name} on {format_date(today, 'j F Y')}, saved as drafts:",
    ]
    by_period: dict[int, list[FilledValue]] = defaultdict(list)
    for filled in values:
        by_period[filled.period.pk].append(filled)
    for period_values in by_period.values():
        period = period_values[0].period
        lines += ["", period.label]
        lines += [f"  - {_value_line(filled)}" for filled in period_values]
        lines.append(f"Check and submit them at {entry_url(unit, period, site_url)}")
    my_submissions = f"{site_url.rstrip('/')}{reverse('okrs:my_submissions')}"
    acting = by.get_full_name() or by.username
    lines += [
        "",
        "A value saved as a draft is not submitted until you submit it. Please check "
        "each one, add a comment where the page asks for one, and submit them, on the "
        f"pages above or from My submissions: {my_submissions}",
        "",
        f"Strategy Portal, {trust_name}",
        f"This e-mail was sent by the warehouse feed, which entered the values as {acting}.",
    ]
    return subject, "\n".join(lines) + "\n"


def _value_line(filled: FilledValue) -> str:
    key_result = filled.key_result
    value = okr_value_text(key_result, filled.value)
    if filled.submitted:
        state = "changed; it was submitted already, so it stays submitted"
    elif filled.outcome == RowOutcome.NEW:
        state = "new draft"
    else:
        state = "draft changed"
    return f"{key_result.code} ({key_result.statement}): {value} ({state})"


def _send(email: LeadEmail, *, reply_to: str) -> None:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=email.addresses,
        reply_to=[reply_to] if reply_to else [],
    )
    try:
        email.sent = mailers.default.send_messages([message]) == 1
    except Exception as error:  # A refused address or a server away is said, not raised.
        email.error = str(error) or error.__class__.__name__
    else:
        if not email.sent:
            email.error = "the mail server did not take it"
