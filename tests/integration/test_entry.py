"""Entering results: who may, when, with what checks, and that nothing is lost."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, Result
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")

# Q3 2020/21 (October–December 2020): opens 1 Jan, due 20 Jan, closes 28 Feb 2021.
OPEN_DAY = datetime.date(2021, 1, 10)
LATE_DAY = datetime.date(2021, 2, 1)
CLOSED_DAY = datetime.date(2021, 3, 5)


@pytest.fixture
def period():
    return okr_actions.ensure_period(parse_period_label("Q3 2020/21"))


@pytest.fixture
def bucks():
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def lead(make_user, bucks):
    user = make_user("bucks-lead", Role.DIRECTORATE_LEAD, first_name="Bea", last_name="Lead")
    person = strategy_actions.create_person(
        by=None, slug="bucks-lead", full_name="Bea Lead", user=user, reason="test"
    )
    strategy_actions.set_units_led(by=None, person=person, units=[bucks], reason="test")
    return user


def okr(code):
    return KeyResult.objects.prefetch_related("targets").get(code=code)


def change(unit, period, code, raw, comment="", **kwargs):
    return ResultChange(okr(code), unit, period, raw, comment, **kwargs)


def test_a_lead_enters_and_submits_for_their_unit(lead, bucks, period):
    plan = okr_actions.apply_result_changes(
        by=lead,
        changes=[
            change(bucks, period, "quality-cccs-training", "94.5"),
            change(bucks, period, "quality-staff-sickness", "4", "Winter pressures"),
        ],
        submit=True,
        today=OPEN_DAY,
    )
    assert not plan.has_errors
    result = Result.objects.get(key_result__code="quality-cccs-training", unit=bucks, period=period)
    assert result.value == Decimal("94.5") and result.status == "submitted"
    assert result.entered_by == lead and result.version == 1


def test_one_bad_field_saves_nothing(lead, bucks, period):
    before = Result.objects.count()
    plan = okr_actions.apply_result_changes(
        by=lead,
        changes=[
            change(bucks, period, "quality-cccs-training", "94"),
            change(bucks, period, "quality-staff-sickness", "lots"),
        ],
        submit=False,
        today=OPEN_DAY,
    )
    assert plan.has_errors
    assert [item.errors for item in plan.items] == [
        {},
        {"value": "Enter a number, like 94 or 94.5"},
    ]
    assert Result.objects.count() == before


def test_a_lead_cannot_enter_for_another_unit(lead, period):
    other = OrganisationalUnit.objects.get(slug="specialised")
    plan = okr_actions.apply_result_changes(
        by=lead,
        changes=[change(other, period, "quality-cccs-training", "94")],
        submit=True,
        today=OPEN_DAY,
    )
    assert plan.general_errors == ["You cannot enter results for Specialised."]
    assert not Result.objects.filter(unit=other, period=period).exists()


def test_after_closing_only_a_secretary_corrects_and_must_say_why(
    lead, bucks, period, users_by_role
):
    refused = okr_actions.apply_result_changes(
        by=lead,
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=True,
        today=CLOSED_DAY,
    )
    assert "closed on 28 February 2021" in refused.general_errors[0]
    secretary = users_by_role[Role.BOARD_SECRETARY]
    no_reason = okr_actions.apply_result_changes(
        by=secretary,
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=True,
        today=CLOSED_DAY,
    )
    assert no_reason.general_errors == ["Give a reason for this correction"]
    assert not Result.objects.filter(unit=bucks, period=period).exists()
    corrected = okr_actions.apply_result_changes(
        by=secretary,
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=True,
        reason="Figure confirmed by the training team after the deadline",
        today=CLOSED_DAY,
    )
    assert not corrected.has_errors
    result = Result.objects.get(unit=bucks, period=period)
    record = result.history.latest()
    assert record.history_user == secretary
    assert (
        record.history_change_reason == "Figure confirmed by the training team after the deadline"
    )


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.VIEWER])
def test_readers_cannot_write(users_by_role, bucks, period, role):
    plan = okr_actions.apply_result_changes(
        by=users_by_role[role],
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=True,
        today=OPEN_DAY,
    )
    assert plan.general_errors == ["You cannot enter results for Bucks MH."]
    assert not Result.objects.filter(unit=bucks, period=period).exists()


def test_a_miss_beyond_tolerance_needs_a_comment(lead, bucks, period):
    # CCCS: target 95%, tolerance 2 points; 92% misses by 3.
    plan = okr_actions.apply_result_changes(
        by=lead,
        changes=[change(bucks, period, "quality-cccs-training", "92")],
        submit=True,
        today=OPEN_DAY,
    )
    assert "Explain in a comment" in plan.items[0].errors["comment"]


def test_a_later_save_from_an_old_page_is_refused_with_the_newer_value(lead, bucks, period):
    okr_actions.apply_result_changes(
        by=lead,
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=False,
        today=OPEN_DAY,
    )
    # Two people opened the page at version 1; the first saves 95, the second 93.
    first = okr_actions.apply_result_changes(
        by=lead,
        changes=[
            change(bucks, period, "quality-cccs-training", "95", seen_version=1, check_version=True)
        ],
        submit=False,
        today=OPEN_DAY,
    )
    assert not first.has_errors
    second = okr_actions.apply_result_changes(
        by=lead,
        changes=[
            change(bucks, period, "quality-cccs-training", "93", seen_version=1, check_version=True)
        ],
        submit=False,
        today=OPEN_DAY,
    )
    assert "changed this value to 95.0%" in second.items[0].errors["value"]
    assert Result.objects.get(unit=bucks, period=period).value == Decimal(95)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_cannot_both_win(make_user):
    """Two requests at once, each on its own database connection: the row lock
    (PostgreSQL) or the write lock taken at BEGIN (SQLite) makes the second see
    the first's version and refuse, rather than overwrite."""
    from datasets.seeding import load_seeds

    load_seeds()
    secretary = make_user("sec", Role.BOARD_SECRETARY)
    trust = OrganisationalUnit.objects.get(slug="trust")
    period = okr_actions.ensure_period(parse_period_label("Q3 2020/21"))
    okr_actions.apply_result_changes(
        by=secretary,
        changes=[change(trust, period, "quality-cccs-training", "94")],
        submit=True,
        reason="setup",
        today=OPEN_DAY,
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(value):
        try:
            barrier.wait()
            plan = okr_actions.apply_result_changes(
                by=secretary,
                changes=[
                    change(
                        trust,
                        period,
                        "quality-cccs-training",
                        value,
                        seen_version=1,
                        check_version=True,
                    )
                ],
                submit=True,
                reason="concurrent edit",
                today=OPEN_DAY,
            )
            outcomes[value] = plan.has_errors
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(value,)) for value in ("95", "96")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == [False, True]
    result = Result.objects.get(unit=trust, period=period)
    winner = next(value for value, refused in outcomes.items() if not refused)
    assert result.value == Decimal(winner) and result.version == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_entries_of_a_value_cannot_both_win(make_user):
    """Nothing stored yet, so no row to lock: the second of two people entering the
    same value at once (the load test's leads did) is refused with the first's
    value, rather than failing on the unique constraint (a server error)."""
    from datasets.seeding import load_seeds

    load_seeds()
    secretary = make_user("sec", Role.BOARD_SECRETARY)
    trust = OrganisationalUnit.objects.get(slug="trust")
    period = okr_actions.ensure_period(parse_period_label("Q3 2020/21"))
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(value):
        try:
            barrier.wait()
            plan = okr_actions.apply_result_changes(
                by=secretary,
                changes=[
                    change(
                        trust,
                        period,
                        "quality-cccs-training",
                        value,
                        seen_version=None,
                        check_version=True,
                    )
                ],
                submit=True,
                reason="first entry",
                today=OPEN_DAY,
            )
            outcomes[value] = plan.items[0].errors.get("value", "")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(value,)) for value in ("95", "96")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2  # neither raised
    winner = next(value for value, error in outcomes.items() if not error)
    loser = next(error for error in outcomes.values() if error)
    assert "while you were editing" in loser
    result = Result.objects.get(unit=trust, period=period)
    assert result.value == Decimal(winner) and result.version == 1


# --- The pages ------------------------------------------------------------------


def entry_url(unit, period):
    return reverse("okrs:enter_results", kwargs={"unit": unit.slug, "period": period.pk})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.TRUST_ADMINISTRATOR, 200),
        (Role.BOARD_SECRETARY, 200),
        (Role.EXECUTIVE, 403),
        (Role.VIEWER, 403),
        (Role.DIRECTORATE_LEAD, 403),  # a lead of no unit, or of another unit
    ],
    ids=lambda value: getattr(value, "value", str(value)),
)
def test_entry_page_by_role(client, users_by_role, bucks, period, role, status):
    client.force_login(users_by_role[role])
    assert client.get(entry_url(bucks, period)).status_code == status


def test_the_units_lead_may_open_its_entry_page(client, lead, bucks, period):
    client.force_login(lead)
    assert client.get(entry_url(bucks, period)).status_code == 200


def test_drafts_are_offered_while_the_period_is_open_not_for_corrections(
    client, lead, bucks, period, users_by_role
):
    draft_button = b'name="draft"'
    # Q3 2020/21 closed on 28 February 2021: a secretary's correction is submitted.
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    closed = client.get(entry_url(bucks, period)).content
    assert b"Submit" in closed and draft_button not in closed
    # Open (the window moved around today instead of the clock): the lead may keep a draft.
    period.opens_on, period.due_on, period.closes_on = (
        datetime.date(2020, 1, 1),
        datetime.date(2099, 1, 1),
        datetime.date(2099, 12, 31),
    )
    period.save()
    client.force_login(lead)
    assert draft_button in client.get(entry_url(bucks, period)).content


def test_a_crafted_post_for_another_unit_writes_nothing(client, lead, period):
    other = OrganisationalUnit.objects.get(slug="specialised")
    client.force_login(lead)
    key_result = okr("quality-cccs-training")
    response = client.post(
        entry_url(other, period), {f"value_{key_result.pk}": "94", "submit": "1"}
    )
    assert response.status_code == 403
    assert not Result.objects.filter(unit=other, period=period).exists()


def test_my_submissions_by_role(client, users_by_role, lead):
    for role, user in [*users_by_role.items(), ("lead", lead)]:
        client.force_login(user)
        assert client.get(reverse("okrs:my_submissions")).status_code == 200, role
    client.logout()
    assert client.get(reverse("okrs:my_submissions")).status_code == 302


def test_the_entry_page_keeps_every_typed_value_when_one_is_wrong(client, lead, bucks, period):
    client.force_login(lead)
    cccs, sickness = okr("quality-cccs-training"), okr("quality-staff-sickness")
    # Freeze "today" inside the window by moving the window instead of the clock.
    period.opens_on, period.due_on, period.closes_on = (
        datetime.date(2020, 1, 1),
        datetime.date(2099, 1, 1),
        datetime.date(2099, 12, 31),
    )
    period.save()
    response = client.post(
        entry_url(bucks, period),
        {
            f"value_{cccs.pk}": "94.55",
            f"comment_{cccs.pk}": "typed comment",
            f"value_{sickness.pk}": "4.2",
            "draft": "1",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter a number with no more than 1 decimal place" in content
    assert 'value="94.55"' in content and 'value="4.2"' in content
    assert "typed comment" in content
    assert not Result.objects.filter(unit=bucks, period=period).exists()


def test_entry_and_submissions_pages_do_a_fixed_number_of_queries(client, lead, bucks, period):
    client.force_login(lead)
    period.opens_on, period.due_on, period.closes_on = (
        datetime.date(2020, 1, 1),
        datetime.date(2099, 1, 1),
        datetime.date(2099, 12, 31),
    )
    period.save()

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [entry_url(bucks, period), reverse("okrs:my_submissions")]
    for url in urls:  # the first visit creates the reporting periods open today
        count(url)
    before = [count(url) for url in urls]
    objective = KeyResult.objects.get(code="quality-cccs-training").objective
    for number in range(15):
        add_active_okr(
            objective,
            f"more-{number}",
            statement=f"More {number}",
            frequency="quarterly",
            target=90,
            target_from=datetime.date(2020, 4, 1),
        )
    after = [count(url) for url in urls]
    assert after == before


def test_history_shows_every_step(client, lead, bucks, period, users_by_role):
    okr_actions.apply_result_changes(
        by=lead,
        changes=[change(bucks, period, "quality-cccs-training", "94")],
        submit=False,
        today=OPEN_DAY,
    )
    okr_actions.apply_result_changes(
        by=lead,
        changes=[change(bucks, period, "quality-cccs-training", "94.5")],
        submit=True,
        today=OPEN_DAY,
    )
    okr_actions.apply_result_changes(
        by=users_by_role[Role.BOARD_SECRETARY],
        changes=[change(bucks, period, "quality-cccs-training", "93.5")],
        submit=True,
        reason="Late correction from the ward",
        today=CLOSED_DAY,
    )
    result = Result.objects.get(unit=bucks, period=period)
    client.force_login(users_by_role[Role.VIEWER])
    content = client.get(reverse("okrs:result_history", args=[result.pk])).content.decode()
    assert content.count('<tr class="nhsuk-table__row">') == 4  # header + 3 versions
    assert "94.0% → 94.5%" in content and "94.5% → 93.5%" in content
    assert "Draft → Submitted" in content
    assert "Late correction from the ward" in content


def test_resending_a_stored_value_is_no_change_even_if_it_misses_its_target(
    users_by_role,
):
    # The seeded Bucks MH CCCS value (92%, Q2 2020/21) misses 95% by more than the
    # tolerance and has no comment; sending it back unchanged is not an error.
    trust_period = okr_actions.ensure_period(parse_period_label("Q2 2020/21"))
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    plan = okr_actions.apply_result_changes(
        by=users_by_role[Role.BOARD_SECRETARY],
        changes=[change(bucks, trust_period, "quality-cccs-training", "92")],
        submit=True,
        today=CLOSED_DAY,
    )
    assert not plan.has_errors
    assert [item.outcome for item in plan.items] == ["unchanged"]


# --- Removing a value (issue 9: emptying a field once deleted it silently) --------


@pytest.fixture
def submitted(lead, bucks, period):
    """Bucks MH's return for the period, submitted; the CCCS value is the one at issue."""
    plan = okr_actions.apply_result_changes(
        by=lead,
        changes=[
            change(bucks, period, "quality-cccs-training", "94"),
            change(bucks, period, "quality-reduce-harm", "-10"),
            change(bucks, period, "quality-staff-sickness", "3"),
            change(bucks, period, "quality-patient-satisfaction", "91"),
        ],
        submit=True,
        today=OPEN_DAY,
    )
    assert not plan.has_errors
    return Result.objects.get(key_result__code="quality-cccs-training", unit=bucks, period=period)


def test_an_emptied_field_never_removes_a_value(client, users_by_role, bucks, period, submitted):
    cccs = okr("quality-cccs-training")
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    response = client.post(
        entry_url(bucks, period),
        {
            **the_page_as_stored(bucks, period),
            f"value_{cccs.pk}": "",
            "reason": "Tidying up",
            "submit": "1",
        },
    )
    assert response.status_code == 200
    assert "Enter a value (it was 94.0%), or tick ‘Remove this value’ to remove it" in (
        response.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.value == 94


def the_page_as_stored(bucks, period) -> dict:
    """The entry form as the page shows it: every stored value, comment and version."""
    form = {}
    for result in Result.objects.filter(unit=bucks, period=period):
        pk = result.key_result_id
        form |= {
            f"value_{pk}": f"{result.value.normalize():f}",
            f"comment_{pk}": result.comment,
            f"version_{pk}": result.version,
        }
    return form


def test_a_secretary_removes_a_value_explicitly_with_a_reason(
    client, users_by_role, bucks, period, submitted
):
    cccs = okr("quality-cccs-training")
    secretary = users_by_role[Role.BOARD_SECRETARY]
    client.force_login(secretary)
    page = client.get(entry_url(bucks, period)).content.decode()
    assert "Remove this value" in page
    form = {**the_page_as_stored(bucks, period), f"remove_{cccs.pk}": "on", "submit": "1"}
    without_reason = client.post(entry_url(bucks, period), form)
    assert "Give a reason for this correction" in without_reason.content.decode()
    assert Result.objects.filter(pk=submitted.pk).exists()
    response = client.post(
        entry_url(bucks, period), {**form, "reason": "Entered against the wrong unit"}, follow=True
    )
    assert not Result.objects.filter(pk=submitted.pk).exists()
    message = response.content.decode()
    assert "Removed: We will achieve 95% compliance in CCCS training (was 94.0%)." in message
    assert "1 value submitted" not in message
    last = Result.history.filter(id=submitted.pk).order_by("-history_date").first()
    assert last.history_type == "-" and last.history_user == secretary
    assert last.history_change_reason == "Entered against the wrong unit"


def test_a_lead_cannot_remove_a_submitted_value_but_may_remove_a_draft(client, lead, bucks, period):
    cccs, sickness = okr("quality-cccs-training"), okr("quality-staff-sickness")
    # Keep the window open around today (the clock is not frozen in page tests).
    period.opens_on, period.due_on, period.closes_on = (
        datetime.date(2020, 1, 1),
        datetime.date(2099, 1, 1),
        datetime.date(2099, 12, 31),
    )
    period.save()
    for code, raw, submit in [("quality-cccs-training", "94", True), (sickness.code, "4", False)]:
        plan = okr_actions.apply_result_changes(
            by=lead, changes=[change(bucks, period, code, raw)], submit=submit
        )
        assert not plan.has_errors
    submitted = Result.objects.get(key_result=cccs, unit=bucks, period=period)
    draft = Result.objects.get(key_result=sickness, unit=bucks, period=period)
    client.force_login(lead)
    page = client.get(entry_url(bucks, period)).content.decode()
    assert f'name="remove_{sickness.pk}"' in page and f'name="remove_{cccs.pk}"' not in page
    crafted = client.post(
        entry_url(bucks, period),
        {
            **the_page_as_stored(bucks, period),
            f"remove_{cccs.pk}": "on",  # not offered to a lead: a crafted box is ignored
            f"remove_{sickness.pk}": "on",
            "draft": "1",
        },
        follow=True,
    )
    assert Result.objects.filter(pk=submitted.pk).exists()
    assert not Result.objects.filter(pk=draft.pk).exists()
    assert "Removed: Staff sickness levels will remain below 3.5% (was 4.0%)." in (
        crafted.content.decode()
    )
