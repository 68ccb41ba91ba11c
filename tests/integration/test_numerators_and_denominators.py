"""A percentage worked out from numerators and denominators (issue: ratings a
board can trust, point 3): each directorate submits both, its value is numerator
÷ denominator × 100 at one decimal place, and the Trust's is Σ numerators ÷
Σ denominators — not the mean of the directorates' percentages. September 2020,
four directorates; every figure worked by hand."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Result
from okrs.result_planner import ResultChange
from reporting.ipr import assemble_ipr, ipr_to_dict
from tests.conftest import make_unit_lead, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
DIRECTORATES = ["community-services", "oxon-bsw-mh", "bucks-mh", "specialised"]
# (numerator, denominator): 47/50 = 94.0%, 90/100 = 90.0%, 30/40 = 75.0%, 120/125 = 96.0%.
FRACTIONS = [("47", "50"), ("90", "100"), ("30", "40"), ("120", "125")]


@pytest.fixture
def trained():
    key_result = okr_actions.create_key_result(
        by=None,
        objective=StrategicObjective.objects.get(strategy__is_current=True, number=1),
        code="quality-trained",
        statement="95% of staff trained",
        status="active",
        measure="percentage",
        direction="increase",
        frequency="monthly",
        trust_value="ratio",
        numerator_label="Staff trained",
        denominator_label="Staff required to train",
        reason="test",
    )
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(95),
        effective_from=datetime.date(2020, 4, 1),
        reason="test",
    )
    return KeyResult.objects.prefetch_related("targets").get(pk=key_result.pk)


def unit(slug):
    return OrganisationalUnit.objects.get(slug=slug)


def september():
    return okr_actions.ensure_period(periods.span_containing(periods.MONTHLY, SEPTEMBER))


def enter(key_result, by, fractions=FRACTIONS, slugs=DIRECTORATES, period=None, **change):
    return okr_actions.apply_result_changes(
        by=by,
        changes=[
            ResultChange(
                key_result,
                unit(slug),
                period or september(),
                "",
                "Below target: training places short",
                raw_numerator=numerator,
                raw_denominator=denominator,
                **change,
            )
            for slug, (numerator, denominator) in zip(slugs, fractions, strict=True)
        ],
        submit=True,
        reason="Figures from the training system",
        today=datetime.date(2020, 10, 5),
    )


def test_each_value_is_worked_out_and_the_trust_s_is_the_ratio_of_the_sums(trained, users_by_role):
    """Σ 287 ÷ Σ 315 × 100 = 91.11… → 91.1%, against 88.75 for the mean of rates."""
    plan = enter(trained, users_by_role[Role.BOARD_SECRETARY])
    assert not plan.has_errors, [item.errors for item in plan.items]
    stored = {
        result.unit.slug: (result.value, result.numerator, result.denominator)
        for result in Result.objects.filter(key_result=trained).select_related("unit")
    }
    assert stored["community-services"] == (Decimal("94.0"), Decimal(47), Decimal(50))
    assert stored["bucks-mh"] == (Decimal("75.0"), Decimal(30), Decimal(40))
    okr = next(
        o
        for objective in assemble_ipr(SEPTEMBER).objectives
        for o in objective.okrs
        if o.code == "quality-trained"
    )
    trust = next(cell for cell in okr.cells if cell.unit == "Trust")
    assert (trust.value, trust.value_text) == (91.1, "91.1%")
    assert (trust.numerator, trust.denominator) == (287.0, 315.0)
    assert trust.value_method == "ratio"
    assert trust.value_note == "Σ numerators ÷ Σ denominators of 4 directorates: 287 ÷ 315"
    exported = json.dumps(ipr_to_dict(assemble_ipr(SEPTEMBER)))
    assert '"numerator": 287.0, "denominator": 315.0' in exported


def test_the_flat_data_carries_each_period_s_numerator_and_denominator(trained, users_by_role):
    """August 2020 for two directorates (45/50 = 90.0%, 80/100 = 80.0%: the Trust
    not worked out, two directorates having none), then September for all four."""
    from reporting.pack import draft_pack, flat_rows

    secretary = users_by_role[Role.BOARD_SECRETARY]
    august = okr_actions.ensure_period(
        periods.span_containing(periods.MONTHLY, datetime.date(2020, 8, 1))
    )
    enter(trained, secretary, [("45", "50"), ("80", "100")], DIRECTORATES[:2], period=august)
    enter(trained, secretary)
    rows = {
        (row["unit"], row["period"]): (row["value"], row["numerator"], row["denominator"])
        for row in flat_rows(draft_pack(SEPTEMBER))
        if row["okr_code"] == "quality-trained"
    }
    assert rows[("Community Services", "August 2020")] == (90.0, 45.0, 50.0)
    assert rows[("Oxon & BSW MH", "August 2020")] == (80.0, 80.0, 100.0)
    assert rows[("Bucks MH", "September 2020")] == (75.0, 30.0, 40.0)
    assert rows[("Trust", "September 2020")] == (91.1, 287.0, 315.0)
    assert ("Trust", "August 2020") not in rows


@pytest.mark.parametrize(
    ("fraction", "field", "message"),
    [
        (("47", ""), "denominator", "Enter the denominator as well"),
        (("", "50"), "numerator", "Enter the numerator as well"),
        (("47", "0"), "denominator", "Enter a denominator above 0"),
        (("lots", "50"), "numerator", "Enter the numerator as a number, like 1,234"),
        (("-1", "50"), "numerator", "Enter a numerator from 0 to"),
        (("60", "50"), "value", "Enter a percentage between 0 and 100"),
    ],
)
def test_a_numerator_and_denominator_that_cannot_make_a_value_are_refused(
    trained, users_by_role, fraction, field, message
):
    plan = enter(
        trained, users_by_role[Role.BOARD_SECRETARY], fractions=[fraction], slugs=["bucks-mh"]
    )
    assert plan.items[0].errors[field].startswith(message)
    assert not Result.objects.filter(key_result=trained).exists()


def test_a_typed_value_that_does_not_match_is_refused(trained, users_by_role):
    plan = okr_actions.apply_result_changes(
        by=users_by_role[Role.BOARD_SECRETARY],
        changes=[
            ResultChange(
                trained,
                unit("bucks-mh"),
                september(),
                "80",
                "x",
                raw_numerator="30",
                raw_denominator="40",
            )
        ],
        submit=True,
        today=datetime.date(2020, 10, 5),
    )
    assert plan.items[0].errors["value"] == (
        "The value does not match 30 ÷ 40 (75.0%): leave it empty, it is worked out"
    )


def test_a_lead_enters_both_on_the_form(client, make_user, trained):
    period = period_open_today(periods.span_containing(periods.MONTHLY, datetime.date(2020, 10, 1)))
    client.force_login(make_unit_lead(make_user, unit("bucks-mh")))
    address = reverse("okrs:enter_results", args=["bucks-mh", period.pk])
    page = client.get(address).content.decode()
    assert "Staff trained" in page and "Staff required to train" in page
    assert "The value is worked out: numerator ÷ denominator × 100" in page
    pk = trained.pk
    response = client.post(
        address, {f"numerator_{pk}": "30", f"denominator_{pk}": "0", "save": "1"}
    )
    assert response.status_code == 200
    assert "Enter a denominator above 0" in response.content.decode()
    client.post(
        address,
        {f"numerator_{pk}": "38", f"denominator_{pk}": "40", f"comment_{pk}": "", "save": "1"},
    )
    result = Result.objects.get(key_result=trained, unit__slug="bucks-mh", period=period)
    assert (result.value, result.numerator, result.denominator) == (
        Decimal("95.0"),
        Decimal(38),
        Decimal(40),
    )


def test_an_upload_carries_both(client, make_user, trained):
    period = period_open_today(periods.span_containing(periods.MONTHLY, datetime.date(2020, 10, 1)))
    client.force_login(make_unit_lead(make_user, unit("bucks-mh")))
    content = (
        "okr_code,unit,period,value,comment,numerator,denominator\r\n"
        f"quality-trained,bucks-mh,{period.label},,,38,40\r\n"
    ).encode()
    response = client.post(
        reverse("okrs:upload"), {"file": SimpleUploadedFile("results.csv", content)}
    )
    preview = client.get(response["Location"])
    assert [(row.outcome, row.message) for row in preview.context["preview"].rows] == [("new", "")]
    client.post(
        reverse("okrs:upload_preview", args=[preview.context["upload"].pk]),
        {"confirm": "1", "seen": preview.context["preview"].fingerprint},
    )
    result = Result.objects.get(key_result=trained, unit__slug="bucks-mh", period=period)
    assert (result.value, result.numerator, result.denominator) == (
        Decimal("95.0"),
        Decimal(38),
        Decimal(40),
    )
