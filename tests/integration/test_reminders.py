"""Reminder e-mails: who gets which, what they say, and when nobody is bothered."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult
from okrs.periods import parse_period_label
from okrs.reminders import send_submission_reminders
from okrs.result_planner import ResultChange
from tests.integration.test_settings import PRODUCTION, _manage

pytestmark = pytest.mark.usefixtures("seeded")

# Q2 2026/27 (July–September 2026): opens 1 Oct, due 20 Oct, closes 30 Nov 2026.
# The seeded current strategy has four active OKRs, all reported quarterly.
TWO_DAYS_BEFORE_DUE = datetime.date(2026, 10, 18)
DAY_AFTER_DUE = datetime.date(2026, 10, 21)
ENTERED_ON = datetime.date(2026, 10, 5)
QUARTERLY_CODES = [
    "quality-reduce-harm",
    "quality-cccs-training",
    "quality-staff-sickness",
    "quality-patient-satisfaction",
]


@pytest.fixture
def period():
    return okr_actions.ensure_period(parse_period_label("Q2 2026/27"))


def unit(slug: str) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


@pytest.fixture
def make_lead(make_user):
    def make(slug, full_name, units, *, email="", user_email="", role=Role.DIRECTORATE_LEAD):
        user = make_user(slug, role, email=user_email)
        person = strategy_actions.create_person(
            by=None, slug=slug, full_name=full_name, user=user, email=email, reason="test"
        )
        strategy_actions.set_units_led(
            by=None, person=person, units=[unit(slug) for slug in units], reason="test"
        )
        return user

    return make


@pytest.fixture
def bea(make_lead):
    """Leads Bucks MH, with her own address recorded."""
    return make_lead("bea", "Bea Lead", ["bucks-mh"], email="bea.lead@example.nhs.uk")


def enter(by, unit_slug, period, values: dict[str, str], *, submit: bool) -> None:
    changes = [
        ResultChange(
            KeyResult.objects.prefetch_related("targets").get(code=code),
            unit(unit_slug),
            period,
            raw,
            comment="Checked with the team",
        )
        for code, raw in values.items()
    ]
    plan = okr_actions.apply_result_changes(by=by, changes=changes, submit=submit, today=ENTERED_ON)
    assert not plan.has_errors, plan


def statement(code: str) -> str:
    return KeyResult.objects.get(code=code).statement


def test_a_lead_is_reminded_of_missing_and_draft_values_before_the_due_date(
    bea, period, mailoutbox, settings
):
    settings.SITE_URL = "https://strategy.example.nhs.uk"
    enter(bea, "bucks-mh", period, {"quality-cccs-training": "94"}, submit=True)
    enter(bea, "bucks-mh", period, {"quality-staff-sickness": "4"}, submit=False)

    run = send_submission_reminders(today=TWO_DAYS_BEFORE_DUE)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["bea.lead@example.nhs.uk"]
    assert message.subject == "Strategy Portal: results due by 20 October 2026"
    body = message.body
    assert "Dear Bea Lead," in body
    assert f"{unit('bucks-mh').name}, Q2 2026/27: due 20 October 2026 (in 2 days)" in body
    assert f"{statement('quality-reduce-harm')}: no value yet" in body
    assert f"{statement('quality-staff-sickness')}: saved as a draft, not submitted" in body
    assert statement("quality-cccs-training") not in body
    entry = reverse("okrs:enter_results", kwargs={"unit": "bucks-mh", "period": period.pk})
    assert f"https://strategy.example.nhs.uk{entry}" in body
    assert [outcome.reminder.person.full_name for outcome in run.sent] == ["Bea Lead"]


def test_a_lead_of_several_units_gets_one_email_listing_each(make_lead, period, mailoutbox):
    make_lead("sam", "Sam Lead", ["bucks-mh", "specialised"], email="sam@example.nhs.uk")
    send_submission_reminders(today=TWO_DAYS_BEFORE_DUE)
    assert len(mailoutbox) == 1
    assert f"{unit('bucks-mh').name}, Q2 2026/27" in mailoutbox[0].body
    assert f"{unit('specialised').name}, Q2 2026/27" in mailoutbox[0].body


def test_the_account_address_is_used_when_the_person_has_none(make_lead, period, mailoutbox):
    make_lead("ann", "Ann Lead", ["specialised"], user_email="ann.account@example.nhs.uk")
    send_submission_reminders(today=TWO_DAYS_BEFORE_DUE)
    assert [message.to for message in mailoutbox] == [["ann.account@example.nhs.uk"]]


def test_nothing_is_sent_for_a_unit_that_has_submitted_everything(bea, period, mailoutbox):
    enter(bea, "bucks-mh", period, dict.fromkeys(QUARTERLY_CODES, "5"), submit=True)
    for day in (TWO_DAYS_BEFORE_DUE, DAY_AFTER_DUE):
        run = send_submission_reminders(today=day)
        assert run.outcomes == []
    assert mailoutbox == []


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 10, 5),  # open, but the due date is more than 3 days off
        datetime.date(2026, 10, 25),  # late, but overdue reminders are weekly
        datetime.date(2026, 12, 1),  # the window has closed
        datetime.date(2026, 9, 25),  # the window has not opened
    ],
)
def test_no_reminder_on_other_days(bea, period, mailoutbox, day):
    send_submission_reminders(today=day)
    assert mailoutbox == []


@pytest.mark.parametrize("day", [DAY_AFTER_DUE, datetime.date(2026, 10, 28)])
def test_late_values_bring_an_overdue_reminder_while_the_window_is_open(
    bea, period, mailoutbox, day
):
    enter(bea, "bucks-mh", period, {"quality-cccs-training": "94"}, submit=True)
    enter(bea, "bucks-mh", period, {"quality-staff-sickness": "4"}, submit=False)
    send_submission_reminders(today=day)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Strategy Portal: results overdue"
    assert "was due 20 October 2026" in message.body
    assert "entry closes 30 November 2026" in message.body
    assert f"{statement('quality-staff-sickness')}: saved as a draft" in message.body
    assert statement("quality-cccs-training") not in message.body


def test_the_reminder_days_can_be_changed(bea, period, mailoutbox):
    send_submission_reminders(today=datetime.date(2026, 10, 15), days_before=5)
    assert len(mailoutbox) == 1
    send_submission_reminders(today=datetime.date(2026, 10, 23), overdue_every=1)
    assert len(mailoutbox) == 2


def test_leads_who_cannot_be_reminded_are_reported_as_skipped(make_lead, period, mailoutbox):
    make_lead("no-mail", "Nora Nomail", ["specialised"])
    make_lead(
        "viewer", "Vic Viewer", ["community-services"], email="vic@x.nhs.uk", role=Role.VIEWER
    )
    run = send_submission_reminders(today=TWO_DAYS_BEFORE_DUE)
    assert mailoutbox == []
    reasons = {skipped.unit.slug: skipped.reason for skipped in run.skipped}
    assert reasons["specialised"] == "Nora Nomail has no e-mail address"
    assert reasons["community-services"] == (
        "Vic Viewer's account may not enter results for Community Services"
    )
    assert reasons["trust"] == "no lead recorded"


def test_the_command_says_who_gets_what_and_who_was_skipped(
    bea, make_lead, period, mailoutbox, capsys
):
    make_lead("no-mail", "Nora Nomail", ["specialised"])
    call_command("send_reminders", "--today", "2026-10-18")
    output = capsys.readouterr().out
    assert "Sent to Bea Lead <bea.lead@example.nhs.uk>" in output
    assert "Bucks MH, Q2 2026/27: 4 values due" in output
    assert "Skipped Specialised, Q2 2026/27: Nora Nomail has no e-mail address" in output
    assert "2026-10-18: 1 reminder(s) sent" in output
    assert len(mailoutbox) == 1


def test_a_dry_run_sends_nothing_but_says_what_it_would(bea, period, mailoutbox, capsys):
    call_command("send_reminders", "--dry-run", "--today", "2026-10-18", "--days-before", "3")
    output = capsys.readouterr().out
    assert "Would send to Bea Lead <bea.lead@example.nhs.uk>" in output
    assert "Nothing was sent." in output
    assert mailoutbox == []


def test_the_command_creates_the_periods_it_needs(bea, mailoutbox):
    # Nobody has created Q2 2026/27 yet: the command does, as the pages do.
    call_command("send_reminders", "--today", "2026-10-18")
    assert len(mailoutbox) == 1


def test_production_requires_the_site_address_for_links():
    without = {key: value for key, value in PRODUCTION.items() if key != "SITE_URL"}
    result = _manage("check", env=without)
    assert result.returncode != 0
    assert "Set the environment variable SITE_URL" in result.stderr
