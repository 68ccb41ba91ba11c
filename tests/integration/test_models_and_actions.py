import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit, Strategy
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange
from okrs.targets_in_force import target_in_force

D = datetime.date
pytestmark = pytest.mark.usefixtures("seeded")


def period(label):
    return okr_actions.ensure_period(parse_period_label(label))


def test_only_one_strategy_can_be_current_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Strategy.objects.filter(slug="business-plan-fy18").update(
            is_current=True, status="approved"
        )


def test_making_a_strategy_current_supersedes_the_previous_one(make_user):
    admin = make_user("admin-user")
    draft = strategy_actions.create_strategy(
        by=admin, slug="next", title="Trust Strategy 2026–2031", reason="New strategy approved"
    )
    strategy_actions.make_strategy_current(by=admin, strategy=draft, reason="Board approval")
    previous = Strategy.objects.get(slug="trust-strategy-2021-26")
    assert previous.is_current is False and previous.status == "superseded"
    draft.refresh_from_db()
    assert draft.is_current and draft.status == "approved"
    latest = previous.history.latest()
    assert latest.history_user == admin
    assert "Board approval" in latest.history_change_reason


def test_one_result_per_okr_period_and_unit():
    result = Result.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(
            key_result=result.key_result,
            period=result.period,
            unit=result.unit,
            value=1,
            entered_at=result.entered_at,
        )


def test_a_period_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            frequency="monthly", starts_on=D(2021, 5, 1), ends_on=D(2021, 4, 30)
        )


def test_an_okr_in_use_needs_a_measure_direction_and_frequency():
    draft = KeyResult.objects.filter(status="draft").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyResult.objects.filter(pk=draft.pk).update(status="active")


def test_a_unit_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationalUnit.objects.filter(slug="adults").update(active_to=D(2010, 1, 1))


def test_recording_a_result_keeps_who_when_and_why(make_user):
    secretary = make_user("secretary-user", Role.BOARD_SECRETARY)
    key_result = KeyResult.objects.get(code="quality-cccs-training")
    unit = OrganisationalUnit.objects.get(slug="bucks-mh")
    for raw, reason in [("93.5", "Monthly return"), ("94", "Late correction from ward")]:
        plan = okr_actions.apply_result_changes(
            by=secretary,
            changes=[ResultChange(key_result, unit, period("Q3 2020/21"), raw, "Ward data late")],
            submit=True,
            reason=reason,
        )
        assert not plan.has_errors
    result = Result.objects.get(key_result=key_result, unit=unit, period=period("Q3 2020/21"))
    assert result.entered_by == secretary and result.value == Decimal("94")
    assert result.version == 2
    history = list(result.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("93.5"), Decimal("94")]
    assert [h.history_user for h in history] == [secretary, secretary]
    assert history[-1].history_change_reason == "Late correction from ward"


@pytest.mark.parametrize(
    ("code", "label", "unit_slug", "message"),
    [
        ("quality-draft-seclusion", "Q3 2020/21", "bucks-mh", "draft OKR"),
        ("quality-cccs-training", "October 2020", "bucks-mh", "reported quarterly"),
        ("quality-cccs-training", "Q3 2017/18", "bucks-mh", "not active"),
        ("quality-cccs-training", "Q3 2020/21", "adults", "not active"),
    ],
)
def test_results_that_break_the_rules_are_refused(code, label, unit_slug, message):
    entry = okr_actions.ResultEntry(
        KeyResult.objects.get(code=code),
        period(label),
        OrganisationalUnit.objects.get(slug=unit_slug),
        Decimal(1),
    )
    before = Result.objects.count()
    with pytest.raises(ValidationError, match=message):
        okr_actions.record_results_as_system(entries=[entry], reason="test")
    assert Result.objects.count() == before


def test_a_bulk_load_is_all_or_nothing():
    key_result = KeyResult.objects.get(code="quality-cccs-training")
    good = okr_actions.ResultEntry(
        key_result, period("Q3 2020/21"), OrganisationalUnit.objects.get(slug="trust"), Decimal(9)
    )
    bad = okr_actions.ResultEntry(
        key_result, period("Q3 2020/21"), OrganisationalUnit.objects.get(slug="adults"), Decimal(9)
    )
    before = Result.objects.count()
    with pytest.raises(ValidationError):
        okr_actions.record_results_as_system(entries=[good, bad], reason="test")
    assert Result.objects.count() == before


def test_targets_are_time_bounded():
    key_result = KeyResult.objects.get(code="quality-cccs-training")
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(97),
        effective_from=D(2022, 4, 1),
        reason="Raised for 2022/23",
    )
    targets = list(key_result.targets.all())
    assert target_in_force(targets, D(2020, 9, 30)).value == Decimal(95)
    assert target_in_force(targets, D(2022, 3, 31)).value == Decimal(95)
    assert target_in_force(targets, D(2022, 4, 1)).value == Decimal(97)
    assert target_in_force(targets, D(2019, 1, 1)) is None


def test_an_okr_focus_area_must_be_in_its_objective():
    quality = Strategy.objects.get(is_current=True).objectives.get(number=1)
    people_area = Strategy.objects.get(is_current=True).objectives.get(number=2).focus_areas.first()
    with pytest.raises(ValidationError, match="same objective"):
        okr_actions.create_key_result(
            by=None,
            objective=quality,
            code="x",
            statement="x",
            focus_area=people_area,
            reason="test",
        )


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Trust administrator",
        "Executive",
        "Directorate lead",
        "Board secretary",
        "Viewer",
    } <= names
    administrators = Group.objects.get(name="Trust administrator")
    codenames = set(administrators.permissions.values_list("codename", flat=True))
    # OKRs and results are read in the admin and changed only through the product.
    assert {"view_keyresult", "view_result"} <= codenames
    assert not {"change_keyresult", "change_result", "delete_result"} & codenames
    # People and role assignments are still kept in the admin.
    assert {"change_person", "change_roleassignment"} <= codenames
