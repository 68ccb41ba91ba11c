"""Precision that fits the measure (issue: ratings a board can trust, point 4), on
the seeded staff sickness OKR: a percentage to 1 decimal place, quarterly, lower is
better, 3.5% target. A value keeps its one decimal through entry, upload,
storage, SPC and export, and is shown with it ("4.0%", not "4%")."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Result
from okrs.result_planner import ResultChange
from reporting.exports.workbook import render_workbook
from reporting.ipr import assemble_ipr
from reporting.pack import draft_pack, flat_rows
from tests.conftest import make_unit_lead, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")
SICKNESS = "quality-staff-sickness"
SEPTEMBER = datetime.date(2020, 9, 1)


def sickness() -> KeyResult:
    return KeyResult.objects.prefetch_related("targets").get(code=SICKNESS)


def unit(slug) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


def cell(report, unit_name):
    okr = next(o for objective in report.objectives for o in objective.okrs if o.code == SICKNESS)
    return next(cell for cell in okr.cells if cell.unit == unit_name)


@pytest.fixture
def lead_of_bucks(make_user):
    return make_unit_lead(make_user, unit("bucks-mh"))


def test_a_value_is_shown_with_the_okr_s_decimal_places():
    """Bucks MH's seeded 4 reads "4.0%": the measure is kept to one decimal."""
    bucks = cell(assemble_ipr(SEPTEMBER), "Bucks MH")
    assert bucks.value_text == "4.0%"
    assert bucks.rag_explanation.startswith("4.0% against ≤3.5%")


def test_entry_keeps_one_decimal_and_refuses_a_second(lead_of_bucks):
    q3 = period_open_today(periods.quarter_span(2020, 3))
    refused = okr_actions.apply_result_changes(
        by=lead_of_bucks,
        changes=[ResultChange(sickness(), unit("bucks-mh"), q3, "4.25", "Winter pressures")],
        submit=True,
    )
    assert refused.items[0].errors["value"] == "Enter a number with no more than 1 decimal place"
    saved = okr_actions.apply_result_changes(
        by=lead_of_bucks,
        # Trailing zeros add no precision: 4.30 is 4.3.
        changes=[ResultChange(sickness(), unit("bucks-mh"), q3, "4.30", "Winter pressures")],
        submit=True,
    )
    assert not saved.has_errors
    assert Result.objects.get(
        key_result__code=SICKNESS, unit__slug="bucks-mh", period=q3
    ).value == (Decimal("4.3"))


def test_an_upload_keeps_one_decimal_and_refuses_a_second(client, lead_of_bucks):
    period_open_today(periods.quarter_span(2020, 3))
    client.force_login(lead_of_bucks)
    content = (
        "okr_code,unit,period,value,comment\r\n"
        f"{SICKNESS},bucks-mh,Q3 2020/21,4.25,Winter pressures\r\n"
    ).encode()
    response = client.post(
        reverse("okrs:upload"), {"file": SimpleUploadedFile("results.csv", content)}
    )
    preview = client.get(response["Location"])
    [row] = preview.context["preview"].rows
    assert row.message == "Enter a number with no more than 1 decimal place"
    content = content.replace(b"4.25", b"4.3")
    response = client.post(
        reverse("okrs:upload"), {"file": SimpleUploadedFile("results.csv", content)}
    )
    preview = client.get(response["Location"])
    client.post(
        reverse("okrs:upload_preview", args=[preview.context["upload"].pk]),
        {"confirm": "1", "seen": preview.context["preview"].fingerprint},
    )
    stored = Result.objects.get(
        key_result__code=SICKNESS, unit__slug="bucks-mh", period__starts_on="2020-10-01"
    )
    assert stored.value == Decimal("4.3")


def _trust_series(values):
    """The Trust's sickness for the quarters ending with Q2 2020/21, oldest first."""
    spans = [periods.quarter_span(2020, 2)]
    while len(spans) < len(values):
        spans.insert(0, periods.previous_span(spans[0]))
    trust = unit("trust")
    key_result = sickness()
    Result.objects.filter(key_result=key_result, unit=trust).delete()
    for span, value in zip(spans, values, strict=True):
        Result.objects.create(
            key_result=key_result,
            period=okr_actions.ensure_period(span),
            unit=trust,
            value=Decimal(value),
            entered_at=timezone.now(),
        )


def test_spc_limits_are_computed_on_the_values_as_stored():
    """Fifteen quarters alternating 4.1 and 4.3 (eight 4.1s, seven 4.3s). Worked by
    hand: mean = (8 × 4.1 + 7 × 4.3) / 15 = 62.9 / 15 = 4.19333…; every moving
    range is 0.2, so the average moving range is 0.2 and the limits are the mean
    ± 2.66 × 0.2 = ± 0.532: 3.66133… and 4.72533…. Rounded to whole percentages
    the values would all read 4, with no variation at all."""
    _trust_series(["4.1", "4.3"] * 7 + ["4.1"])
    trust = cell(assemble_ipr(SEPTEMBER), "Trust")
    assert trust.value_text == "4.1%"
    assert trust.spc_mean == pytest.approx(62.9 / 15)
    assert trust.spc_lower_limit == pytest.approx(62.9 / 15 - 0.532)
    assert trust.spc_upper_limit == pytest.approx(62.9 / 15 + 0.532)


def test_the_flat_data_and_the_workbook_keep_the_decimal():
    _trust_series(["4.1", "4.3"] * 7 + ["4.1"])
    pack = draft_pack(SEPTEMBER)
    rows = [
        row for row in flat_rows(pack) if row["okr_code"] == SICKNESS and row["unit"] == "Trust"
    ]
    assert [row["value"] for row in rows[-2:]] == [4.3, 4.1]
    book = openpyxl.load_workbook(io.BytesIO(render_workbook(pack)))
    written = [
        sheet_cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for sheet_cell in row
        if sheet_cell.value == 4.0 and sheet_cell.number_format.startswith("0.0")
    ]
    # Bucks MH's 4 and Specialised's 4 in the objective's sheet, with one decimal shown.
    assert written
