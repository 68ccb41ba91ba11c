"""Trust totals that add up (issue: ratings a board can trust, point 3). In
September 2020 four directorates are active: Community Services, Oxon & BSW MH,
Bucks MH and Specialised. Every expected Trust value is worked by hand from the
directorates' values below."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from objectives.models import OrganisationalUnit, StrategicObjective
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Result
from okrs.result_planner import ResultChange
from okrs.selectors.submissions import submissions_for_period
from reporting.ipr import assemble_ipr
from reporting.pack import draft_pack, flat_rows

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER, AUGUST = datetime.date(2020, 9, 1), datetime.date(2020, 8, 1)
DIRECTORATES = ["community-services", "oxon-bsw-mh", "bucks-mh", "specialised"]


def okr(code, *, measure, direction, trust_value, target):
    key_result = okr_actions.create_key_result(
        by=None,
        objective=StrategicObjective.objects.get(strategy__is_current=True, number=1),
        code=code,
        statement=f"{code} statement",
        status="active",
        measure=measure,
        direction=direction,
        frequency="monthly",
        trust_value=trust_value,
        reason="test",
    )
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(target),
        effective_from=datetime.date(2020, 4, 1),
        reason="test",
    )
    return key_result


def values(key_result, month, by_unit: dict):
    period = okr_actions.ensure_period(periods.span_containing(periods.MONTHLY, month))
    for slug, value in by_unit.items():
        Result.objects.create(
            key_result=key_result,
            period=period,
            unit=OrganisationalUnit.objects.get(slug=slug),
            value=Decimal(value),
            entered_at=timezone.now(),
        )


def trust_cell(report, code):
    okr = next(o for objective in report.objectives for o in objective.okrs if o.code == code)
    return next(cell for cell in okr.cells if cell.unit == "Trust")


def falls():
    return okr(
        "quality-falls", measure="count", direction="decrease", trust_value="sum", target=100
    )


def test_a_count_s_trust_value_is_the_sum_of_its_directorates():
    """12 + 30 + 25 + 8 = 75 falls, against at most 100: Green."""
    key_result = falls()
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [12, 30, 25, 8], strict=True)))
    trust = trust_cell(assemble_ipr(SEPTEMBER), "quality-falls")
    assert (trust.value, trust.value_text, trust.rag) == (75.0, "75", "green")
    assert (trust.value_method, trust.value_note) == ("sum", "Sum of 4 directorates")


def test_a_typed_trust_value_is_never_used_for_a_worked_out_one():
    """A Trust row stored anyway (say, loaded before the OKR's rule changed) does
    not count: the report shows the sum, 10 + 20 + 30 + 40 = 100."""
    key_result = falls()
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [10, 20, 30, 40], strict=True)))
    values(key_result, SEPTEMBER, {"trust": 999})
    assert trust_cell(assemble_ipr(SEPTEMBER), "quality-falls").value == 100.0


def test_with_a_directorate_missing_there_is_no_trust_total_and_it_says_why():
    key_result = falls()
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES[:3], [12, 30, 25], strict=True)))
    trust = trust_cell(assemble_ipr(SEPTEMBER), "quality-falls")
    assert trust.value is None and trust.rag == "no_data"
    assert trust.value_note == "Not worked out yet: 1 of 4 directorates has no value"


def test_the_trust_series_is_worked_out_period_by_period():
    """August 10 + 20 + 30 + 40 = 100; September 12 + 30 + 25 + 8 = 75: the
    Trust improved (lower is better) 100 → 75."""
    key_result = falls()
    values(key_result, AUGUST, dict(zip(DIRECTORATES, [10, 20, 30, 40], strict=True)))
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [12, 30, 25, 8], strict=True)))
    report = assemble_ipr(SEPTEMBER)
    trust = trust_cell(report, "quality-falls")
    assert [point.value for point in trust.history] == [100.0, 75.0]
    assert trust.previous_value == 100.0
    improved = {(item.okr, item.unit): item.detail for item in report.summary.improved}
    assert improved[("quality-falls statement", "Trust")] == "100 → 75"


@pytest.mark.parametrize(
    ("method", "expected", "text"),
    # 90, 91, 94, 97: mean 372 / 4 = 93.0; median (91 + 94) / 2 = 92.5.
    [("mean", 93.0, "93.0%"), ("median", 92.5, "92.5%")],
)
def test_a_percentage_s_trust_value_is_the_mean_or_median(method, expected, text):
    key_result = okr(
        f"quality-{method}",
        measure="percentage",
        direction="increase",
        trust_value=method,
        target=95,
    )
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [90, 91, 94, 97], strict=True)))
    trust = trust_cell(assemble_ipr(SEPTEMBER), f"quality-{method}")
    assert (trust.value, trust.value_text) == (expected, text)
    assert trust.value_note == f"{method.title()} of 4 directorates"


def test_a_mean_is_rounded_half_up_to_the_okr_s_decimal_places():
    """90.1 + 90.2 + 90.2 + 90.2 = 360.7; / 4 = 90.175, to 1 place 90.2."""
    key_result = okr(
        "quality-rounded",
        measure="percentage",
        direction="increase",
        trust_value="mean",
        target=95,
    )
    values(
        key_result,
        SEPTEMBER,
        dict(zip(DIRECTORATES, ["90.1", "90.2", "90.2", "90.2"], strict=True)),
    )
    assert trust_cell(assemble_ipr(SEPTEMBER), "quality-rounded").value == 90.2


def test_an_entered_trust_value_outside_its_directorates_range_is_flagged():
    """Directorates 78 to 81; the Trust typed 86: flagged beside the value."""
    key_result = okr(
        "quality-satisfied",
        measure="percentage",
        direction="increase",
        trust_value="entered",
        target=90,
    )
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [78, 81, 80, 79], strict=True)))
    values(key_result, SEPTEMBER, {"trust": 86})
    trust = trust_cell(assemble_ipr(SEPTEMBER), "quality-satisfied")
    assert trust.value == 86.0 and trust.value_method == "entered"
    assert trust.value_note == (
        "Entered; outside the range of its directorates (78.0% to 81.0%): check it"
    )


def test_an_entered_trust_value_within_the_range_carries_no_flag():
    key_result = okr(
        "quality-satisfied",
        measure="percentage",
        direction="increase",
        trust_value="entered",
        target=90,
    )
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [78, 81, 80, 79], strict=True)))
    values(key_result, SEPTEMBER, {"trust": 80})
    assert trust_cell(assemble_ipr(SEPTEMBER), "quality-satisfied").value_note == ""


def test_nobody_enters_a_worked_out_trust_value(make_user):
    from objectives.roles import Role

    secretary = make_user("sec", Role.BOARD_SECRETARY)
    key_result = falls()
    period = okr_actions.ensure_period(periods.span_containing(periods.MONTHLY, SEPTEMBER))
    plan = okr_actions.apply_result_changes(
        by=secretary,
        changes=[
            ResultChange(
                KeyResult.objects.get(pk=key_result.pk),
                OrganisationalUnit.objects.get(slug="trust"),
                period,
                "75",
            )
        ],
        submit=True,
        today=datetime.date(2020, 10, 5),
    )
    assert plan.has_errors
    assert plan.items[0].errors["value"] == (
        "The Trust's value of quality-falls is the sum of its directorates' values: it is "
        "worked out, not entered"
    )
    assert not Result.objects.filter(key_result=key_result).exists()


def test_the_trust_owes_no_worked_out_value_and_the_directorates_do():
    key_result = falls()
    period = okr_actions.ensure_period(periods.span_containing(periods.MONTHLY, SEPTEMBER))
    owed = {
        submission.unit.slug: [value.key_result.code for value in submission.values]
        for submission in submissions_for_period(period, None, datetime.date(2020, 10, 5))
    }
    assert key_result.code not in owed["trust"]
    assert all(key_result.code in owed[slug] for slug in DIRECTORATES)


def test_a_percentage_cannot_be_summed_across_directorates():
    with pytest.raises(ValidationError):
        okr_actions.add_key_result_to_focus_area(
            by=None,
            focus_area=StrategicObjective.objects.get(strategy__is_current=True, number=1)
            .focus_areas.order_by("order")
            .first(),
            definition=okr_actions.KeyResultDefinition(
                code="quality-summed",
                statement="Summed percentages",
                measure="percentage",
                direction="increase",
                frequency="monthly",
                target=Decimal(95),
                target_from=datetime.date(2020, 4, 1),
                trust_value="sum",
            ),
            reason="test",
        )
    assert not KeyResult.objects.filter(code="quality-summed").exists()


def test_the_flat_data_says_how_the_trust_value_was_obtained():
    key_result = falls()
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [12, 30, 25, 8], strict=True)))
    rows = {
        row["unit"]: row
        for row in flat_rows(draft_pack(SEPTEMBER))
        if row["okr_code"] == key_result.code and row["is_report_period"]
    }
    assert (rows["Trust"]["value"], rows["Trust"]["value_method"]) == (75.0, "sum")
    assert rows["Bucks MH"]["value_method"] == ""


def test_the_tracking_page_shows_the_trust_owes_no_worked_out_value(client, users_by_role):
    """The Trust's column has a gap for a worked-out OKR; every directorate owes it."""
    from django.urls import reverse

    from objectives.roles import Role

    key_result = falls()
    period = okr_actions.ensure_period(periods.span_containing(periods.MONTHLY, SEPTEMBER))
    client.force_login(users_by_role[Role.EXECUTIVE])
    page = client.get(reverse("okrs:tracking", args=[period.pk])).content.decode()
    row = page[page.index(f">{key_result.statement}</a>") :].split("</tr>", 1)[0]
    assert row.count("Worked out from the directorates") == 1
    for slug in DIRECTORATES:
        assert f'data-testid="cell-{key_result.code}-{slug}"' in row
    assert f'data-testid="cell-{key_result.code}-trust"' not in row


def test_the_okr_page_says_how_the_trust_value_is_obtained(client, users_by_role):
    from objectives.roles import Role

    key_result = falls()
    client.force_login(users_by_role[Role.VIEWER])
    page = client.get(key_result.get_absolute_url()).content.decode()
    assert (
        "Worked out: the sum of its directorates&#x27; values, once every directorate has "
        "given one" in page
    )
    cccs = KeyResult.objects.get(code="quality-cccs-training")
    assert "Entered for the Trust" in client.get(cccs.get_absolute_url()).content.decode()


def test_the_workbook_says_how_the_trust_value_was_obtained():
    import io

    import openpyxl

    from reporting.exports.workbook import render_workbook

    key_result = falls()
    values(key_result, SEPTEMBER, dict(zip(DIRECTORATES, [12, 30, 25, 8], strict=True)))
    book = openpyxl.load_workbook(io.BytesIO(render_workbook(draft_pack(SEPTEMBER))))
    texts = [
        cell.value
        for row in book["Quality"].iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert "Green (Sum of 4 directorates)" in texts
