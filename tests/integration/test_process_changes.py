"""Process changes (Trust administrators): recording one on an OKR × unit, changing
and withdrawing it, each audited with who, when and why; the rules the actions keep;
the read the IPR uses; and the pages, who may reach them, and what they refuse."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs.models import KeyResult
from reporting import actions
from reporting.actions import EditConflict
from reporting.models import ProcessChange
from reporting.process_changes import periods_for_process_change, process_changes_by_series
from reporting.spc.process_changes import partitioning_for

D = datetime.date
pytestmark = pytest.mark.usefixtures("seeded")

CCCS = "quality-cccs-training"  # active, quarterly


def okr(code=CCCS) -> KeyResult:
    return KeyResult.objects.get(code=code)


def unit(slug="bucks-mh") -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


@pytest.fixture
def admin(make_user):
    return make_user("admin-ada", Role.TRUST_ADMINISTRATOR, first_name="Ada", last_name="Admin")


@pytest.fixture
def other_admin(make_user):
    return make_user("admin-ben", Role.TRUST_ADMINISTRATOR, first_name="Ben", last_name="Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


JULY_2021 = D(2021, 7, 1)


def record(by, *, starts_on=JULY_2021, reason="New triage pathway", **kwargs):
    fields = {"key_result": okr(), "unit": unit()} | kwargs
    return actions.record_process_change(by=by, starts_on=starts_on, reason=reason, **fields)


# --- actions ------------------------------------------------------------------------


def test_recording_a_change_keeps_who_when_why_in_its_history(admin):
    change = record(admin, baseline_values=12)
    stored = ProcessChange.objects.get()
    assert (stored.key_result, stored.unit, stored.starts_on) == (okr(), unit(), D(2021, 7, 1))
    assert (stored.reason, stored.baseline_values, stored.version) == ("New triage pathway", 12, 1)
    assert stored.recorded_by == admin and stored.recorded_at is not None
    (entry,) = change.history.all()
    assert entry.history_type == "+"
    assert entry.history_user == admin
    assert entry.history_change_reason == "Process change recorded: New triage pathway"


@pytest.mark.parametrize("reason", ["", "   ", "\x00\x07"])
def test_a_change_without_a_reason_is_refused(admin, reason):
    with pytest.raises(ValidationError) as refused:
        record(admin, reason=reason)
    assert refused.value.message_dict == {"reason": ["Say what changed in the process"]}
    assert not ProcessChange.objects.exists()


def test_a_reason_longer_than_a_paragraph_is_refused(admin):
    with pytest.raises(ValidationError) as refused:
        record(admin, reason="x" * 2001)
    assert refused.value.message_dict == {
        "reason": ["Enter 2,000 characters or fewer (you have 2,001)"]
    }


def test_a_second_change_from_the_same_period_for_the_same_unit_is_refused_plainly(admin):
    record(admin)
    with pytest.raises(ValidationError) as refused:
        record(admin, reason="Again")
    assert refused.value.message_dict == {
        "starts_on": [
            "A process change from July 2021 is already recorded for Bucks MH: "
            "change that one instead"
        ]
    }
    # Another unit, or another period, is a different change.
    record(admin, unit=unit("trust"))
    record(admin, starts_on=D(2021, 10, 1))
    assert ProcessChange.objects.count() == 3


def test_the_database_refuses_a_duplicate_even_past_the_action(admin):
    change = record(admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessChange.objects.create(
            key_result=change.key_result,
            unit=change.unit,
            starts_on=change.starts_on,
            reason="Twice",
            recorded_by=admin,
            recorded_at=change.recorded_at,
        )


@pytest.mark.parametrize(
    "starts_on, message",
    [
        # CCCS is quarterly: quarters start in April, July, October and January.
        (
            D(2021, 8, 1),
            "Choose the first day of a quarterly period: this OKR is reported quarterly",
        ),
        (
            D(2021, 7, 2),
            "Choose the first day of a quarterly period: this OKR is reported quarterly",
        ),
        (D(1990, 4, 1), "April 1990 is outside the months the portal reports on"),
        (None, "Choose the period the changed process starts in"),
    ],
)
def test_the_first_day_must_start_a_period_of_the_okr_in_the_reported_months(
    admin, starts_on, message
):
    with pytest.raises(ValidationError) as refused:
        record(admin, starts_on=starts_on)
    assert refused.value.message_dict["starts_on"][0].startswith(message)


@pytest.mark.parametrize("baseline", [0, 1, 61, True, "12"])
def test_a_baseline_is_from_2_to_60_values(admin, baseline):
    with pytest.raises(ValidationError) as refused:
        record(admin, baseline_values=baseline)
    assert refused.value.message_dict == {
        "baseline_values": ["Enter a number of values from 2 to 60, or leave it empty"]
    }


def test_only_an_administrator_may_record(users_by_role):
    for role in Role:
        if role is not Role.TRUST_ADMINISTRATOR:
            with pytest.raises(PermissionDenied):
                record(users_by_role[role])
    with pytest.raises(PermissionDenied):
        record(None)


def test_an_achieved_or_retired_okr_keeps_its_charts(admin):
    KeyResult.objects.filter(code=CCCS).update(status=KeyResult.Status.RETIRED)
    with pytest.raises(ValidationError, match="This OKR is retired"):
        record(admin)


def test_changing_a_change_is_audited_with_its_own_reason(admin, other_admin):
    change = record(admin)
    changed = actions.change_process_change(
        by=other_admin,
        process_change=change,
        starts_on=D(2021, 10, 1),
        reason="New triage pathway (opened late)",
        baseline_values=8,
        change_reason="The pathway opened a quarter later",
        seen_version=1,
    )
    stored = ProcessChange.objects.get()
    assert (stored.starts_on, stored.baseline_values, stored.version) == (D(2021, 10, 1), 8, 2)
    assert stored.recorded_by == admin  # who first recorded it; the history says who changed it
    latest, first = stored.history.all()
    assert (latest.history_type, latest.history_user) == ("~", other_admin)
    assert latest.history_change_reason == "The pathway opened a quarter later"
    assert (first.starts_on, latest.starts_on) == (D(2021, 7, 1), D(2021, 10, 1))
    assert changed.version == 2


def test_a_change_based_on_an_older_version_is_a_conflict(admin, other_admin):
    change = record(admin)
    fields = {"starts_on": D(2021, 10, 1), "reason": "Later", "baseline_values": None}
    actions.change_process_change(
        by=other_admin, process_change=change, change_reason="Later", seen_version=1, **fields
    )
    with pytest.raises(EditConflict) as conflict:
        actions.change_process_change(
            by=admin,
            process_change=change,
            change_reason="Mine",
            seen_version=1,
            **fields | {"reason": "Mine"},
        )
    assert conflict.value.messages == [
        "Ben Admin changed this process change while you were editing. Check it, then save again"
    ]
    assert ProcessChange.objects.get().reason == "Later"


def test_a_change_that_changes_nothing_or_lands_on_another_is_refused(admin):
    first = record(admin)
    record(admin, starts_on=D(2021, 10, 1), reason="Counting changed")
    same = {"starts_on": first.starts_on, "reason": first.reason, "baseline_values": None}
    with pytest.raises(ValidationError, match="Nothing has changed"):
        actions.change_process_change(
            by=admin, process_change=first, change_reason="x", seen_version=1, **same
        )
    with pytest.raises(ValidationError) as refused:
        actions.change_process_change(
            by=admin,
            process_change=first,
            change_reason="x",
            seen_version=1,
            **same | {"starts_on": D(2021, 10, 1)},
        )
    assert "already recorded for Bucks MH" in refused.value.message_dict["starts_on"][0]
    with pytest.raises(ValidationError) as refused:
        actions.change_process_change(
            by=admin, process_change=first, change_reason=" ", seen_version=1, **same
        )
    assert refused.value.message_dict == {"change_reason": ["Give a reason for this change"]}


def test_withdrawing_deletes_it_and_keeps_who_and_why_in_its_history(admin, other_admin):
    change = record(admin)
    actions.withdraw_process_change(
        by=other_admin, process_change=change, reason="Recorded for the wrong unit", seen_version=1
    )
    assert not ProcessChange.objects.exists()
    latest = ProcessChange.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user) == ("-", other_admin)
    assert latest.history_change_reason == "Recorded for the wrong unit"
    assert latest.reason == "New triage pathway"
    # Withdrawn twice (a second page open on it): said plainly.
    with pytest.raises(EditConflict, match="Someone else withdrew this process change"):
        actions.withdraw_process_change(
            by=admin, process_change=change, reason="Also", seen_version=1
        )


def test_withdrawing_needs_a_reason_and_the_version_seen(admin, other_admin):
    change = record(admin)
    with pytest.raises(ValidationError) as refused:
        actions.withdraw_process_change(by=admin, process_change=change, reason="", seen_version=1)
    assert refused.value.message_dict == {"reason": ["Give a reason for withdrawing it"]}
    with pytest.raises(EditConflict):
        actions.withdraw_process_change(
            by=admin, process_change=change, reason="Old page", seen_version=None
        )
    assert ProcessChange.objects.exists()


# --- reads ---------------------------------------------------------------------------


def test_changes_by_series_in_one_query_oldest_first(admin, django_assert_num_queries):
    cccs, bucks, trust = okr(), unit(), unit("trust")
    later = record(admin, starts_on=D(2022, 1, 1), reason="Second")
    earlier = record(admin, starts_on=D(2021, 7, 1), reason="First")
    at_trust = record(admin, unit=trust, reason="Trust-wide")
    with django_assert_num_queries(1):
        by_series = process_changes_by_series([cccs.pk, 999_999])
    assert by_series == {(cccs.pk, bucks.pk): [earlier, later], (cccs.pk, trust.pk): [at_trust]}
    with CaptureQueriesContext(connection) as queries:
        assert process_changes_by_series([]) == {}
    assert len(queries) == 0


def test_the_periods_offered_are_the_okrs_quarters_in_the_reported_months():
    spans = periods_for_process_change(okr(), D(2021, 5, 10))
    starts = [span.starts_on for span in spans]
    assert starts == sorted(starts, reverse=True)
    assert {start.month for start in starts} == {1, 4, 7, 10}
    # The seeded strategies run from 31 January 2012 (so from the quarter starting
    # 1 January 2012) to 31 March 2026, later than the end of the next financial year
    # (March 2023): the newest quarter starts 1 January 2026. 14 years of 4, and 1.
    assert (starts[-1], starts[0], len(starts)) == (D(2012, 1, 1), D(2026, 1, 1), 57)


# --- pages ---------------------------------------------------------------------------


def page(name, *args):
    return reverse(f"reporting:{name}", args=[CCCS, *args])


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.TRUST_ADMINISTRATOR])
def test_only_administrators_reach_the_pages(client, users_by_role, admin, role):
    change = record(admin)
    client.force_login(users_by_role[role])
    for address in [
        page("process_changes"),
        page("record_process_change"),
        page("change_process_change", change.pk),
        page("withdraw_process_change", change.pk),
    ]:
        assert client.get(address).status_code == 403
    response = client.post(
        page("record_process_change"),
        {"unit": unit("trust").pk, "starts_on": "2021-10-01", "reason": "Sneaky"},
    )
    assert response.status_code == 403
    assert (
        client.post(page("withdraw_process_change", change.pk), {"reason": "x"}).status_code == 403
    )
    assert ProcessChange.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(page("process_changes"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_okr_and_manage_pages_link_to_the_process_changes(admin_client):
    for address in [reverse("okrs:manage_okrs"), reverse("okrs:key_result", args=[CCCS])]:
        assert page("process_changes") in admin_client.get(address).content.decode()


def test_an_administrator_records_changes_and_withdraws_through_the_pages(admin_client):
    response = admin_client.post(
        page("record_process_change"),
        {
            "unit": unit().pk,
            "starts_on": "2021-07-01",
            "reason": "New triage pathway",
            "baseline_values": "12",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page("process_changes")
    text = response.content.decode()
    assert "Process change recorded for Bucks MH from Q2 2021/22" in text
    assert "New triage pathway" in text and "The first 12 values" in text
    change = ProcessChange.objects.get()

    response = admin_client.post(
        page("change_process_change", change.pk),
        {
            "version": "1",
            "starts_on": "2021-10-01",
            "reason": "New triage pathway",
            "baseline_values": "",
            "change_reason": "Opened a quarter later",
        },
        follow=True,
    )
    assert "the limits are recalculated from Q3 2021/22" in response.content.decode()
    change.refresh_from_db()
    assert (change.starts_on, change.baseline_values, change.version) == (D(2021, 10, 1), None, 2)

    response = admin_client.post(
        page("withdraw_process_change", change.pk),
        {"version": "2", "reason": "Recorded in error"},
        follow=True,
    )
    assert "withdrawn: the limits are no longer recalculated there" in response.content.decode()
    assert not ProcessChange.objects.exists()


def test_a_refused_form_says_why_and_keeps_what_was_typed(admin_client, admin):
    record(admin)
    response = admin_client.post(
        page("record_process_change"),
        {
            "unit": unit().pk,
            "starts_on": "2021-07-01",
            "reason": "Typed words",
            "baseline_values": "1",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number of values from 2 to 60, or leave it empty" in text
    assert "Typed words" in text
    response = admin_client.post(
        page("record_process_change"),
        {"unit": unit().pk, "starts_on": "2021-07-01", "reason": "Typed words"},
    )
    assert "A process change from July 2021 is already recorded for Bucks MH" in (
        response.content.decode()
    )
    for bad in ["2021-08-01", "not a date", "1990-04-01", "2021-07-01\x00"]:
        response = admin_client.post(
            page("record_process_change"),
            {"unit": unit().pk, "starts_on": bad, "reason": "x"},
        )
        assert "Choose a period from the list" in response.content.decode()
    assert ProcessChange.objects.count() == 1


def test_a_stale_page_gets_the_conflict_message(admin_client, admin, other_admin):
    change = record(admin)
    actions.change_process_change(
        by=other_admin,
        process_change=change,
        starts_on=change.starts_on,
        reason="Corrected",
        baseline_values=None,
        change_reason="Typo",
        seen_version=1,
    )
    response = admin_client.post(
        page("change_process_change", change.pk),
        {"version": "1", "starts_on": "2021-07-01", "reason": "Mine", "change_reason": "Mine"},
    )
    assert "Ben Admin changed this process change while you were editing" in (
        response.content.decode()
    )
    change.refresh_from_db()
    assert change.reason == "Corrected"


def test_a_bad_or_another_okrs_id_is_not_found(admin_client, admin):
    change = record(admin)
    other = "quality-staff-sickness"
    for address in [
        reverse("reporting:change_process_change", args=[CCCS, change.pk + 1000]),
        reverse("reporting:withdraw_process_change", args=[CCCS, 2**63]),
        reverse("reporting:change_process_change", args=[other, change.pk]),
        reverse("reporting:record_process_change", args=["no-such-okr"]),
    ]:
        assert admin_client.get(address).status_code == 404
        assert admin_client.post(address, {"reason": "x"}).status_code == 404
    assert admin_client.get(page("process_changes").replace(CCCS, "no-such-okr")).status_code == 404


def test_the_list_page_is_read_only_and_refuses_a_post(admin_client):
    assert admin_client.post(page("process_changes")).status_code == 405


def test_the_list_costs_the_same_queries_however_many_changes(admin_client, admin):
    record(admin)
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(page("process_changes")).status_code == 200
    for slug in ["trust", "community-services", "specialised"]:
        record(admin, unit=unit(slug))
    record(admin, starts_on=D(2022, 1, 1))
    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(page("process_changes"))
    assert response.content.decode().count('data-testid="process-change-') == 5
    assert len(five) == len(one)


def test_what_the_read_gives_is_what_the_partitioning_reads(admin):
    # CCCS is quarterly; its chart for Bucks from Q1 2021/22 (April 2021) to Q4 2022/23:
    # positions 0 (April 2021) … 7 (January 2023). July 2021 is position 1, January
    # 2022 position 3.
    quarters = [D(2021 + (m < 4) + y, m, 1) for y in (0, 1) for m in (4, 7, 10, 1)]
    record(admin, starts_on=D(2022, 1, 1), reason="Counted by episode", baseline_values=12)
    record(admin)
    changes = process_changes_by_series([okr().pk])[(okr().pk, unit().pk)]
    result = partitioning_for(quarters, changes)
    assert (result.rebase_at, result.fix_after) == ((1, 3), 12)
    assert result.note_at(3) == "Limits recalculated from January 2022: Counted by episode"
