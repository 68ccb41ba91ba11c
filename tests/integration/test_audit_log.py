"""The audit log: every change to a result, a target or an OKR, with who, when, the
values before and after and the reason; filters; who may read it; and a page costs
the same number of queries however long the history."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, Result
from okrs.periods import next_span, parse_period_label
from okrs.result_planner import ResultChange
from okrs.selectors import audit_log

pytestmark = pytest.mark.usefixtures("seeded")

CCCS = "quality-cccs-training"
AUDIT = reverse("okrs:audit_log")


def period(label):
    return okr_actions.ensure_period(parse_period_label(label))


def okr(code) -> KeyResult:
    return KeyResult.objects.get(code=code)


def bucks() -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def admin(make_user):
    return make_user("ada", Role.TRUST_ADMINISTRATOR, first_name="Ada", last_name="Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def three_changes(admin):
    """A result corrected, a target raised and an OKR retired, in that order."""
    corrected = okr_actions.apply_result_changes(
        by=admin,
        changes=[ResultChange(okr(CCCS), bucks(), period("Q2 2020/21"), "93.5", "Ward data late")],
        submit=True,
        reason="Late correction from ward",
    )
    assert not corrected.has_errors
    okr_actions.change_target_from(
        by=admin,
        key_result=okr(CCCS),
        value=Decimal(97),
        from_period=period("Q1 2022/23"),
        reason="Raised for 2022/23",
    )
    okr_actions.retire_key_result(
        by=admin, key_result=okr("quality-staff-sickness"), reason="Measured nationally now"
    )


def test_each_kind_of_change_is_recorded_with_who_when_old_new_and_why(admin, three_changes):
    entries = audit_log.audit_page(audit_log.AuditFilters(person=admin)).entries
    retired, target, result = entries
    assert [entry.who for entry in entries] == ["Ada Admin"] * 3
    assert all(timezone.now() - entry.when < datetime.timedelta(minutes=5) for entry in entries)

    assert (retired.what, retired.action, retired.okr_code) == (
        "OKR",
        "Changed",
        "quality-staff-sickness",
    )
    assert [(c.label, c.old, c.new) for c in retired.changes] == [("Status", "Active", "Retired")]
    assert retired.reason == "Measured nationally now"

    assert (target.what, target.action, target.okr_code) == ("Target", "Created", CCCS)
    assert [(c.label, c.old, c.new) for c in target.changes] == [
        ("Target", None, "97%"),
        ("Applies from", None, "1 Apr 2022"),
    ]
    assert target.reason == "Raised for 2022/23"

    assert (result.what, result.action, result.unit, result.period) == (
        "Result",
        "Changed",
        "Bucks MH",
        "Q2 2020/21",
    )
    assert [(c.label, c.old, c.new) for c in result.changes] == [
        ("Value", "92%", "93.5%"),
        ("Comment", "—", "Ward data late"),
    ]
    assert result.reason == "Late correction from ward"


def test_the_page_shows_the_changes(admin_client, three_changes):
    content = admin_client.get(AUDIT).content.decode()
    for text in [
        "Ada Admin",
        "Result changed",
        "Target created",
        "OKR changed",
        '<strong>Value</strong>: 92% <span aria-hidden="true">→</span>'
        '<span class="nhsuk-u-visually-hidden"> changed to</span> 93.5%',
        "<strong>Status</strong>: Active",
        "<strong>Target</strong>: 97%",
        "Late correction from ward",
        "Raised for 2022/23",
        "Measured nationally now",
        "Bucks MH",
        f'href="{okr(CCCS).get_absolute_url()}"',
    ]:
        assert text in content, text
    # The seeds' own history is there too, loaded by the portal's own account.
    assert "Strategy Portal (system)" in content


def test_maintaining_okrs_through_the_pages_is_recorded(admin_client, admin):
    admin_client.post(
        reverse("okrs:achieve_and_replace", args=[CCCS]),
        {
            "code": "quality-cccs-training-98",
            "statement": "We will achieve 98% compliance in CCCS training",
            "measure": "percentage",
            "direction": "increase",
            "frequency": "quarterly",
            "target": "98",
            "target_from": "2022-04-01",
            "tolerance": "2",
            "tolerance_kind": "absolute",
            "decimal_places": "1",
            "reason": "Achieved in Q4 2021/22",
        },
    )
    entries = audit_log.audit_page(audit_log.AuditFilters(person=admin)).entries
    assert [(entry.what, entry.action) for entry in entries] == [
        ("OKR", "Changed"),  # the achieved one, newest
        ("Target", "Created"),
        ("OKR", "Created"),
    ]
    achieved = entries[0]
    assert [(c.label, c.old, c.new) for c in achieved.changes] == [
        ("Status", "Active", "Achieved"),
        ("Replaced by", "—", "quality-cccs-training-98"),
    ]
    created = entries[2]
    assert ("Statement", None, "We will achieve 98% compliance in CCCS training") in [
        (c.label, c.old, c.new) for c in created.changes
    ]
    assert {entry.reason for entry in entries} == {"Achieved in Q4 2021/22"}


def test_a_deleted_result_shows_what_it_held(admin):
    result = Result.objects.get(key_result__code=CCCS, unit=bucks())
    result._history_user = admin
    result._change_reason = "Entered against the wrong unit"
    result.delete()
    (entry,) = audit_log.audit_page(audit_log.AuditFilters(person=admin)).entries
    assert (entry.what, entry.action, entry.reason) == (
        "Result",
        "Deleted",
        "Entered against the wrong unit",
    )
    assert ("Value", "92%", None) in [(c.label, c.old, c.new) for c in entry.changes]


def test_filter_by_unit_shows_only_that_units_results(admin_client, three_changes):
    content = admin_client.get(AUDIT, {"unit": bucks().pk}).content.decode()
    assert "Result changed" in content and "Late correction from ward" in content
    assert "Target created" not in content and "OKR changed" not in content
    assert "Community Services" not in content.split("<table")[1]


def test_filter_by_okr(admin_client, three_changes):
    content = admin_client.get(AUDIT, {"key_result": "quality-staff-sickness"}).content.decode()
    table = content.split("<table")[1]
    assert "Measured nationally now" in table
    assert "Late correction from ward" not in table and "Raised for 2022/23" not in table
    # The seeded results of that OKR are part of its history.
    assert "Result created" in table and CCCS not in table


def test_filter_by_person(admin_client, admin, three_changes, make_user):
    other = make_user("bob", Role.TRUST_ADMINISTRATOR)
    okr_actions.retire_key_result(by=other, key_result=okr("quality-reduce-harm"), reason="Bob's")
    content = admin_client.get(AUDIT, {"person": admin.pk}).content.decode()
    assert "3 changes match the filters" in content
    assert "Bob&#x27;s" not in content
    content = admin_client.get(AUDIT, {"person": other.pk}).content.decode()
    assert "1 change match the filters" in content and "Bob&#x27;s" in content


def test_filter_by_dates_uses_whole_days(admin_client, admin, three_changes):
    # Move the target change back in time, as if it were made on 15 January 2024.
    record = okr(CCCS).targets.get(effective_from=datetime.date(2022, 4, 1)).history.get()
    moved = timezone.make_aware(datetime.datetime(2024, 1, 15, 23, 30))
    type(record).objects.filter(pk=record.pk).update(history_date=moved)

    def reasons(**dates):
        query = {"person": admin.pk, **dates}
        return [e.reason for e in _entries(admin_client, query)]

    assert reasons(date_from="2024-01-15", date_to="2024-01-15") == ["Raised for 2022/23"]
    assert reasons(date_to="2024-01-14") == []
    assert reasons(date_from="2024-01-16") == [
        "Measured nationally now",
        "Late correction from ward",
    ]


def _entries(client, query):
    return client.get(AUDIT, query).context["entries"]


def test_a_date_range_the_wrong_way_round_is_explained(admin_client):
    response = admin_client.get(AUDIT, {"date_from": "2024-02-01", "date_to": "2024-01-01"})
    content = response.content.decode()
    assert "There is a problem" in content
    assert '<a href="#id_date_to">The ‘to’ date must be the same as or after' in content
    assert 'value="2024-02-01"' in content and 'value="2024-01-01"' in content


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_only_trust_administrators_read_the_audit_log(client, users_by_role, role):
    client.force_login(users_by_role[role])
    allowed = role == Role.TRUST_ADMINISTRATOR
    assert client.get(AUDIT).status_code == (200 if allowed else 403)
    menu = client.get(reverse("objectives:home")).content.decode()
    assert (f'href="{AUDIT}"' in menu) == allowed


def test_anonymous_visitors_are_sent_to_log_in_from_the_audit_log(client):
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _make_history(user, count: int, code: str) -> None:
    """Exactly `count` history entries by `user`, the newest few of every kind: an
    OKR and its target added, results, one result corrected, a target changed, and
    the OKR retired."""
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    key_result = okr_actions.add_key_result_to_focus_area(
        by=user,
        focus_area=objective.focus_areas.first(),
        definition=okr_actions.KeyResultDefinition(
            code=code,
            statement=f"{code} statement",
            measure="count",
            direction="decrease",
            frequency="monthly",
            target=Decimal(10),
            target_from=datetime.date(2020, 4, 1),
        ),
        reason="test",
    )
    units = [unit for unit in OrganisationalUnit.objects.all() if unit.active_to is None]
    span = parse_period_label("April 2020")
    changes = []
    while len(changes) < count - 5:
        month = okr_actions.ensure_period(span)
        changes += [
            ResultChange(key_result, unit, month, str(len(changes)), "Above target: test")
            for unit in units
        ]
        span = next_span(span)
    changes = changes[: count - 5]
    for batch, reason in [(changes, "test"), ([replace(changes[0], raw_value="999")], "corrected")]:
        plan = okr_actions.apply_result_changes(by=user, changes=batch, submit=True, reason=reason)
        assert not plan.has_errors
    okr_actions.change_target_from(
        by=user,
        key_result=key_result,
        value=Decimal(8),
        from_period=okr_actions.ensure_period(parse_period_label("April 2021")),
        reason="lowered",
    )
    okr_actions.retire_key_result(by=user, key_result=key_result, reason="done")


def _queries(client, query) -> tuple[int, int, str]:
    """All the queries a page makes, those reading the history tables, and the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(AUDIT, query)
    assert response.status_code == 200
    reading_history = [q for q in captured.captured_queries if "okrs_historical" in q["sql"]]
    return len(captured), len(reading_history), response.content.decode()


def test_a_page_costs_the_same_queries_for_10_or_200_entries(admin_client, make_user):
    few, many = make_user("few", Role.BOARD_SECRETARY), make_user("many", Role.BOARD_SECRETARY)
    _make_history(few, 10, "audit-few")
    _make_history(many, 200, "audit-many")
    few_queries, few_history_queries, few_page = _queries(admin_client, {"person": few.pk})
    many_queries, many_history_queries, many_page = _queries(admin_client, {"person": many.pk})
    assert "10 changes match the filters" in few_page
    assert "200 changes match the filters; showing 1 to 50" in many_page
    # Every kind of record, with the version before it, is on both first pages.
    for page in (few_page, many_page):
        assert "OKR changed" in page and "Target created" in page and "Result changed" in page
        assert '<strong>Value</strong>: 0 <span aria-hidden="true">→</span>' in page
    assert few_queries == many_queries
    # Count, page, and per kind of record its rows and the versions before them.
    assert few_history_queries == many_history_queries <= 8


def test_the_log_is_paginated_and_pages_keep_the_filters(admin_client, make_user):
    many = make_user("many", Role.BOARD_SECRETARY)
    _make_history(many, 120, "audit-pages")
    first = admin_client.get(AUDIT, {"person": many.pk}).content.decode()
    assert f"?person={many.pk}&amp;page=2" in first and "Page 2 of 3" in first
    third = admin_client.get(AUDIT, {"person": many.pk, "page": 3})
    assert len(third.context["entries"]) == 20
    assert "showing 101 to 120" in third.content.decode()
    assert "Previous" in third.content.decode()


def test_a_process_change_is_in_the_log_with_its_unit_and_why(admin, admin_client):
    from reporting.actions import record_process_change

    record_process_change(
        by=admin,
        key_result=okr(CCCS),
        unit=bucks(),
        starts_on=datetime.date(2021, 4, 1),
        reason="New training provider",
        baseline_values=12,
    )
    entries = audit_log.audit_page(audit_log.AuditFilters(unit=bucks())).entries
    change = next(entry for entry in entries if entry.what == "Process change")
    assert (change.who, change.action, change.okr_code, change.unit) == (
        "Ada Admin",
        "Created",
        CCCS,
        "Bucks MH",
    )
    assert [(item.label, item.new) for item in change.changes] == [
        ("Limits recalculated from", "1 Apr 2021"),
        ("What changed", "New training provider"),
        ("Limits fixed on (values)", "12"),
    ]
    page = admin_client.get(AUDIT, {"unit": bucks().pk}).content.decode()
    assert "Process change" in page and "New training provider" in page
