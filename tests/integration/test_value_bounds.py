"""Issue 9: one oversized value must never get in, by any path, so it can never
break the pages that read it (an 11-digit draft once took the portal down for
every user: the column rounded it on save and could not read it back)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.actions import ResultEntry
from okrs.models import KeyResult, Result, Target
from okrs.periods import parse_period_label
from tests.conftest import make_unit_lead, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def bucks():
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def open_period():
    """Q3 2020/21, its entry window moved around today so a lead may enter it."""
    return period_open_today(parse_period_label("Q3 2020/21"))


@pytest.fixture
def lead(make_user, bucks):
    return make_unit_lead(make_user, bucks)


def okr(code):
    return KeyResult.objects.get(code=code)


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("quality-reduce-harm", "99999999999", "Enter a percentage change from −100% to 1,000%"),
        ("quality-reduce-harm", "9,999,999,999%", "Enter a percentage change from −100% to 1,000%"),
        ("quality-patient-satisfaction", "9999999999", "Enter a score from 0 to 1,000"),
        ("quality-cccs-training", "99999999999", "Enter a percentage between 0 and 100"),
        ("quality-cccs-training", "9,4", "Enter a number, like 94 or 94.5"),
        ("quality-cccs-training", "１２", "Enter a number, like 94 or 94.5"),
    ],
)
def test_an_implausible_draft_is_refused_and_every_page_still_works(
    client, lead, bucks, open_period, users_by_role, code, raw, message
):
    client.force_login(lead)
    url = reverse("okrs:enter_results", kwargs={"unit": bucks.slug, "period": open_period.pk})
    response = client.post(url, {f"value_{okr(code).pk}": raw, "draft": "1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert raw in response.content.decode()  # what was typed is kept to correct
    assert not Result.objects.filter(unit=bucks, period=open_period).exists()
    assert client.get(reverse("okrs:my_submissions")).status_code == 200
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    for page in [
        url,
        reverse("okrs:tracking"),
        okr(code).get_absolute_url(),
    ]:
        assert client.get(page).status_code == 200, page
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    assert client.get(reverse("okrs:audit_log")).status_code == 200


def test_a_value_at_the_edge_of_its_range_is_saved(client, lead, bucks, open_period):
    client.force_login(lead)
    url = reverse("okrs:enter_results", kwargs={"unit": bucks.slug, "period": open_period.pk})
    harm = okr("quality-reduce-harm")
    response = client.post(url, {f"value_{harm.pk}": "−100%", "draft": "1"})
    assert response.status_code == 302
    assert Result.objects.get(key_result=harm, unit=bucks, period=open_period).value == -100


def test_seeds_demo_and_commands_share_the_range(bucks, open_period):
    """What the portal loads by itself (seeds, demo) is checked as forms are."""
    entry = ResultEntry(okr("quality-cccs-training"), open_period, bucks, Decimal("1e15"))
    with pytest.raises(ValidationError, match="Enter a percentage between 0 and 100"):
        okr_actions.record_results_as_system(entries=[entry], reason="test")
    assert not Result.objects.filter(unit=bucks, period=open_period).exists()


def test_the_database_refuses_a_value_its_column_cannot_hold(bucks, open_period):
    """The last line of defence: a path that skips the actions still cannot store it
    (a check constraint; PostgreSQL's numeric column also overflows)."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Result.objects.create(
            key_result=okr("quality-cccs-training"),
            period=open_period,
            unit=bucks,
            value=Decimal("1e15"),
            entered_at=timezone.now(),
        )
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Target.objects.create(
            key_result=okr("quality-cccs-training"),
            value=Decimal("-1e11"),
            effective_from=datetime.date(2030, 4, 1),
        )


def test_a_target_is_bounded_like_a_value(open_period):
    cccs = okr("quality-cccs-training")
    with pytest.raises(ValidationError) as refused:
        okr_actions.change_target_from(
            by=None, key_result=cccs, value=Decimal(950), from_period=open_period, reason="typo"
        )
    assert refused.value.message_dict == {"value": ["Enter a percentage between 0 and 100"]}


def test_an_okr_can_widen_its_own_range_when_it_is_added(client, users_by_role):
    """A ratio that can pass 100%: the administrator says so, and its target and values
    are checked against that range instead."""
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    objective = okr("quality-cccs-training").objective
    focus_area = objective.focus_areas.first()
    data = {
        "focus_area": focus_area.pk,
        "code": "quality-staffing-ratio",
        "statement": "Staff in post will be at least 110% of establishment",
        "measure": "percentage",
        "direction": "increase",
        "frequency": "monthly",
        "target": "110",
        "target_from": "2025-04-01",
        "tolerance": "0",
        "tolerance_kind": "absolute",
        "decimal_places": "1",
        "reason": "New staffing OKR",
    }
    url = reverse("okrs:add_key_result")
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Enter a percentage between 0 and 100" in refused.content.decode()
    inverted = client.post(url, {**data, "lowest_value": "200", "highest_value": "150"})
    assert "Enter a highest value above the lowest" in inverted.content.decode()
    accepted = client.post(url, {**data, "highest_value": "150"})
    assert accepted.status_code == 302
    ratio = okr("quality-staffing-ratio")
    assert (ratio.lowest_value, ratio.highest_value) == (None, Decimal(150))
