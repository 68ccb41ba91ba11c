"""A directorate's own target (issue: ratings a board can trust, point 1), on the
seeded CCCS training OKR: 95% for the Trust from April 2020, 2 points' tolerance,
quarterly. In Q2 2020/21 Bucks MH has 92% (Red against 95%: 3 points short, beyond
2), the Trust, Community Services and Oxon & BSW MH 94% (Amber: 1 point short) and
Specialised 97% (Green). Every expected figure below is worked from those by hand."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, Result, Target
from okrs.periods import parse_period_label
from okrs.result_planner import value_rules
from reporting.ipr import assemble_ipr
from reporting.pack import draft_pack, flat_rows

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
CCCS = "quality-cccs-training"


def unit(slug) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


def period(label):
    return okr_actions.ensure_period(parse_period_label(label))


def cccs() -> KeyResult:
    return KeyResult.objects.get(code=CCCS)


def cells(report) -> dict:
    okr = next(okr for objective in report.objectives for okr in objective.okrs if okr.code == CCCS)
    return {cell.unit: cell for cell in okr.cells}


def bucks_own_target(value, *, by=None, from_label="Q2 2020/21", until_label=None):
    return okr_actions.change_target_from(
        by=by,
        key_result=cccs(),
        value=Decimal(value),
        from_period=period(from_label),
        unit=unit("bucks-mh"),
        until_period=period(until_label) if until_label else None,
        reason="Agreed recovery level for Bucks MH",
    )


def test_a_unit_s_own_target_changes_that_unit_s_rating_and_no_other():
    before = {name: cell.rag for name, cell in cells(assemble_ipr(SEPTEMBER)).items()}
    assert before == {
        "Trust": "amber",
        "Community Services": "amber",
        "Oxon & BSW MH": "amber",
        "Bucks MH": "red",
        "Specialised": "green",
    }
    bucks_own_target(90)
    after = cells(assemble_ipr(SEPTEMBER))
    # 92% against its own 90%: met, Green. Everyone else as before, against 95%.
    assert after["Bucks MH"].rag == "green"
    assert after["Bucks MH"].rag_explanation == (
        "92.0% against its own target ≥90%, target met: Green"
    )
    assert (after["Bucks MH"].target, after["Bucks MH"].target_set_for) == (90.0, "unit")
    assert {name: cell.rag for name, cell in after.items() if name != "Bucks MH"} == {
        name: rag for name, rag in before.items() if name != "Bucks MH"
    }
    assert {cell.target for name, cell in after.items() if name != "Bucks MH"} == {95.0}
    assert {cell.target_set_for for name, cell in after.items() if name != "Bucks MH"} == {"trust"}


def test_an_own_target_from_a_later_period_leaves_earlier_periods_as_they_were():
    """Bucks MH also had 92% in Q1: its own 90% from Q2 on rates Q2 Green and
    leaves Q1 Red against the Trust's 95%."""
    Result.objects.create(
        key_result=cccs(),
        period=period("Q1 2020/21"),
        unit=unit("bucks-mh"),
        value=Decimal(92),
        entered_at=timezone.now(),
    )
    bucks_own_target(90)
    history = cells(assemble_ipr(SEPTEMBER))["Bucks MH"].history
    assert [(point.period, point.target, point.target_set_for, point.rag) for point in history] == [
        ("Q1 2020/21", 95.0, "trust", "red"),
        ("Q2 2020/21", 90.0, "unit", "green"),
    ]
    assert cells(assemble_ipr(SEPTEMBER))["Bucks MH"].previous_rag == "red"


def test_an_own_target_that_ended_before_the_period_no_longer_applies():
    bucks_own_target(90, from_label="Q1 2020/21", until_label="Q1 2020/21")
    bucks = cells(assemble_ipr(SEPTEMBER))["Bucks MH"]
    assert (bucks.target, bucks.target_set_for, bucks.rag) == (95.0, "trust", "red")


def test_a_red_that_its_own_target_turns_green_is_no_longer_an_exception():
    statement = cccs().statement
    listed = {(item.okr, item.unit) for item in assemble_ipr(SEPTEMBER).summary.exceptions}
    assert (statement, "Bucks MH") in listed
    bucks_own_target(90)
    listed = {(item.okr, item.unit) for item in assemble_ipr(SEPTEMBER).summary.exceptions}
    assert (statement, "Bucks MH") not in listed


def test_the_entry_form_asks_for_a_comment_against_the_unit_s_own_target():
    """Entry rules carry the unit's target: 92% needs no comment against Bucks
    MH's 90%, while Oxon & BSW MH is still held to the Trust's 95%."""
    bucks_own_target(90)
    key_result = KeyResult.objects.prefetch_related("targets").get(code=CCCS)
    q2 = period("Q2 2020/21")
    assert value_rules(key_result, q2, unit("bucks-mh")).target == Decimal(90)
    assert value_rules(key_result, q2, unit("oxon-bsw-mh")).target == Decimal(95)


def test_the_flat_data_and_the_json_say_whom_each_target_was_set_for(tmp_path):
    bucks_own_target(90)
    rows = {
        row["unit"]: row
        for row in flat_rows(draft_pack(SEPTEMBER))
        if row["okr_code"] == CCCS and row["is_report_period"]
    }
    assert (rows["Bucks MH"]["target"], rows["Bucks MH"]["target_set_for"]) == (90.0, "unit")
    assert (rows["Trust"]["target"], rows["Trust"]["target_set_for"]) == (95.0, "trust")
    output = tmp_path / "ipr.json"
    call_command(
        "export_ipr", "--period", "2020-09", "--format", "json", "--draft", "--output", output
    )
    exported = json.loads(output.read_text())
    okr = next(
        okr
        for objective in exported["objectives"]
        for okr in objective["okrs"]
        if okr["code"] == CCCS
    )
    by_unit = {cell["unit"]: cell for cell in okr["cells"]}
    assert (by_unit["Bucks MH"]["target"], by_unit["Bucks MH"]["target_set_for"]) == (90.0, "unit")
    assert by_unit["Trust"]["target_set_for"] == "trust"


def test_setting_an_own_target_is_recorded_with_who_and_why(users_by_role):
    admin = users_by_role[Role.TRUST_ADMINISTRATOR]
    target = bucks_own_target(90, by=admin)
    record = target.history.get()
    assert record.history_user == admin
    assert record.history_change_reason == "Agreed recovery level for Bucks MH"
    assert (record.unit_id, record.value) == (unit("bucks-mh").pk, Decimal(90))


def test_the_trust_row_cannot_have_a_target_of_its_own():
    with pytest.raises(ValidationError, match="leave the unit empty"):
        okr_actions.change_target_from(
            by=None,
            key_result=cccs(),
            value=Decimal(90),
            from_period=period("Q2 2020/21"),
            unit=unit("trust"),
            reason="test",
        )
    assert not Target.objects.filter(unit__isnull=False).exists()


def test_an_own_target_cannot_end_before_it_starts():
    with pytest.raises(ValidationError, match="on or after the first"):
        bucks_own_target(90, from_label="Q2 2020/21", until_label="Q1 2020/21")


def test_setting_the_same_own_target_again_changes_nothing_and_says_so():
    bucks_own_target(90)
    with pytest.raises(ValidationError, match="Bucks MH's target from Q2 2020/21 is already 90%"):
        bucks_own_target(90)


def test_an_administrator_sets_a_directorate_s_own_target_in_the_form(client, users_by_role):
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    period("Q2 2020/21")
    address = reverse("okrs:change_target", args=[CCCS])
    response = client.post(
        address,
        {
            "unit": "bucks-mh",
            "from_period": "2020-07-01",
            "until_period": "2020-07-01",
            "value": "90",
            "reason": "Agreed recovery level for Bucks MH",
        },
        follow=True,
    )
    assert "Bucks MH&#x27;s target changed from Q2 2020/21 on" in response.content.decode()
    assert "Bucks MH’s own: 90% from 1 Jul 2020 to 30 Sep 2020" in response.content.decode()
    page = client.get(address).content.decode()
    assert "Buckinghamshire" in page or "Bucks MH" in page
    assert "From 1 July 2020 to 30 September 2020" in page
    ipr = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    assert "its own target 90%" in ipr


def test_a_made_up_unit_in_the_form_is_refused_with_a_message(client, users_by_role):
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    period("Q2 2020/21")
    response = client.post(
        reverse("okrs:change_target", args=[CCCS]),
        {"unit": "nowhere", "from_period": "2020-07-01", "value": "90", "reason": "test"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Target.objects.filter(unit__isnull=False).exists()


def test_an_own_target_set_without_an_end_can_be_given_one_later():
    """Bucks MH's own 90 from Q2 2020/21, set with no end, is given Q2 itself as its
    last period: from Q3 on Bucks MH follows the Trust's 95 again."""
    bucks_own_target(90)
    bucks_own_target(90, until_label="Q2 2020/21")
    target = Target.objects.get(unit__slug="bucks-mh")
    assert target.ends_on == datetime.date(2020, 9, 30)
    assert target.history.count() == 2  # set, then ended: both on the record
