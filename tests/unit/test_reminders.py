"""Deciding who is reminded of what, and on which days: pure, no database."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from objectives.models import OrganisationalUnit, Person
from okrs import periods
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.reminders import ReminderKind, plan_reminders, reminder_kind, reminder_message
from okrs.selectors.submissions import OwedValue, SubmissionStatus, UnitSubmission

D = datetime.date


def quarter() -> ReportingPeriod:
    # Q2 2026/27: opens 1 Oct, due 20 Oct, closes 30 Nov 2026.
    span = periods.parse_period_label("Q2 2026/27")
    window = periods.default_entry_window(span)
    return ReportingPeriod(
        pk=1,
        frequency=span.frequency,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        opens_on=window.opens_on,
        due_on=window.due_on,
        closes_on=window.closes_on,
    )


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2026, 9, 30), None),  # not open yet
        (D(2026, 10, 16), None),  # four days before the due date
        (D(2026, 10, 17), ReminderKind.DUE_SOON),
        (D(2026, 10, 20), ReminderKind.DUE_SOON),  # the due date itself
        (D(2026, 10, 21), ReminderKind.OVERDUE),  # the day after
        (D(2026, 10, 22), None),
        (D(2026, 10, 28), ReminderKind.OVERDUE),  # a week later
        (D(2026, 11, 25), ReminderKind.OVERDUE),
        (D(2026, 12, 2), None),  # closed on 30 November
    ],
)
def test_reminder_days(day, kind):
    assert reminder_kind(quarter(), day) == kind


def test_daily_overdue_reminders_on_request():
    assert reminder_kind(quarter(), D(2026, 10, 22), overdue_every=1) == ReminderKind.OVERDUE


def unit(pk: int, short_name: str) -> OrganisationalUnit:
    return OrganisationalUnit(
        pk=pk, slug=short_name.lower(), name=f"{short_name} directorate", short_name=short_name
    )


def okr(pk: int) -> KeyResult:
    return KeyResult(pk=pk, code=f"okr-{pk}", statement=f"OKR number {pk}")


def submission(owner: OrganisationalUnit, statuses: list[str]) -> UnitSubmission:
    period = quarter()
    values = []
    for number, status in enumerate(statuses, start=1):
        result = None
        if status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED):
            result = Result(value=Decimal(1), status=status)
        values.append(OwedValue(okr(number), owner, result, None, None, status))
    return UnitSubmission(unit=owner, period=period, values=values)


def person(pk: int, name: str, *, email: str = "", account: str | None = "") -> Person:
    lead = Person(pk=pk, slug=name.lower(), full_name=name, email=email)
    if account is not None:
        lead.user = get_user_model()(username=name.lower(), email=account, is_active=True)
    return lead


MISSING, DRAFT, SUBMITTED, LATE = (
    SubmissionStatus.MISSING,
    SubmissionStatus.DRAFT,
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.LATE,
)


def test_before_the_due_date_leads_hear_of_missing_and_draft_values_only():
    bucks = unit(1, "Bucks")
    bea = person(1, "Bea", email="bea@example.nhs.uk")
    plan = plan_reminders(
        [submission(bucks, [MISSING, DRAFT, SUBMITTED])], {1: [bea]}, today=D(2026, 10, 18)
    )
    [reminder] = plan.reminders
    assert reminder.address == "bea@example.nhs.uk"
    [item] = reminder.items
    assert item.kind == ReminderKind.DUE_SOON
    assert [value.key_result.pk for value in item.values] == [1, 2]


def test_nobody_hears_about_a_unit_with_everything_submitted():
    bucks = unit(1, "Bucks")
    plan = plan_reminders(
        [submission(bucks, [SUBMITTED, SUBMITTED])],
        {1: [person(1, "Bea", email="bea@x.nhs.uk")]},
        today=D(2026, 10, 18),
    )
    assert plan.reminders == [] and plan.skipped == []


def test_one_reminder_per_lead_and_skips_for_those_who_cannot_be_reminded():
    bucks, specialised, trust, adults = (
        unit(1, "Bucks"),
        unit(2, "Specialised"),
        unit(3, "Trust"),
        unit(4, "Adults"),
    )
    sam = person(1, "Sam", account="sam@example.nhs.uk")  # the account's address
    nora = person(2, "Nora")  # no address anywhere
    olly = person(3, "Olly", email="olly@example.nhs.uk", account=None)  # no account
    plan = plan_reminders(
        [
            submission(bucks, [LATE]),
            submission(specialised, [LATE]),
            submission(trust, [LATE]),
            submission(adults, [LATE]),
        ],
        {1: [sam, nora], 2: [sam], 4: [olly]},
        today=D(2026, 10, 21),
    )
    [reminder] = plan.reminders
    assert reminder.address == "sam@example.nhs.uk" and reminder.is_overdue
    assert [item.unit.short_name for item in reminder.items] == ["Bucks", "Specialised"]
    assert [(skipped.unit.short_name, skipped.reason) for skipped in plan.skipped] == [
        ("Bucks", "Nora has no e-mail address"),
        ("Trust", "no lead recorded"),
        ("Adults", "Olly has no user account, so cannot enter results"),
    ]


def test_the_message_lists_each_owed_value_with_its_link():
    bucks = unit(1, "Bucks")
    plan = plan_reminders(
        [submission(bucks, [MISSING, DRAFT])],
        {1: [person(1, "Bea", email="bea@x.nhs.uk")]},
        today=D(2026, 10, 20),
    )
    subject, body = reminder_message(
        plan.reminders[0],
        today=D(2026, 10, 20),
        site_url="https://portal.example.nhs.uk/",
        trust_name="Example NHS Trust",
    )
    assert subject == "Strategy Portal: results due by 20 October 2026"
    assert "Bucks directorate, Q2 2026/27: due today, 20 October 2026" in body
    assert "  - OKR number 1: no value yet\n  - OKR number 2: saved as a draft" in body
    entry = reverse("okrs:enter_results", kwargs={"unit": "bucks", "period": 1})
    assert f"Enter and submit them at https://portal.example.nhs.uk{entry}\n" in body
