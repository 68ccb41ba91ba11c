"""A recorded process change recalculates the SPC limits of its OKR × unit in the
IPR, and the report says where and why (the chart, its text alternative, the JSON).

The series (a made-up "flow" OKR, the Trust's values, monthly):
April–December 2019: 50, 52, 50, 52, 50, 52, 50, 52, 50 (9 values);
January–September 2020: 72, 70, 72, 70, 72, 70, 72, 70, 72 (9 values), after a
new triage pathway started in January 2020.

Recorded from January 2020, the latest partition is the 2020 values alone:
mean = (5 × 72 + 4 × 70) / 9 = 640 / 9 = 71.111; every moving range is 2, so the
average moving range is 2 and the limits are 71.111 ± 2.66 × 2 = 65.791 to 76.431.
Without it, the one partition's mean is (5 × 50 + 4 × 52 + 640) / 18 = 1098 / 18
= 61.
"""

import datetime
from decimal import Decimal

import pytest

from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from reporting.actions import record_process_change
from reporting.charts import chart_summary, spc_chart
from reporting.ipr import assemble_ipr, ipr_to_dict
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
NOTE = "Limits recalculated from January 2020: New triage pathway"


@pytest.fixture
def flow():
    people = StrategicObjective.objects.get(strategy__is_current=True, number=2)
    key_result = add_active_okr(
        people,
        "flow",
        statement="Patients seen within four hours",
        frequency="monthly",
        target=60,
        target_from=datetime.date(2019, 4, 1),
    )
    trust = OrganisationalUnit.objects.get(slug="trust")
    span = periods.parse_period_label("April 2019")
    entries = []
    for index in range(18):
        base = 50 if index < 9 else 70
        value = base + (2 if index % 2 else 0)
        period = okr_actions.ensure_period(span)
        entries.append(okr_actions.ResultEntry(key_result, period, trust, Decimal(value)))
        span = periods.next_span(span)
    okr_actions.record_results_as_system(entries=entries, reason="test")
    return key_result, trust


def trust_cell_and_okr(report):
    okr = next(
        okr for objective in report.objectives for okr in objective.okrs if okr.code == "flow"
    )
    return next(cell for cell in okr.cells if cell.unit == "Trust"), okr


def test_without_a_change_the_limits_rest_on_the_whole_series(flow):
    cell, _ = trust_cell_and_okr(assemble_ipr(SEPTEMBER))
    assert cell.spc_mean == pytest.approx(61)
    assert not any("recalculated" in note for note in cell.spc_notes)


def test_a_recorded_change_recalculates_the_limits_from_its_month(flow, make_user):
    key_result, trust = flow
    record_process_change(
        by=make_user("admin", Role.TRUST_ADMINISTRATOR),
        key_result=key_result,
        unit=trust,
        starts_on=datetime.date(2020, 1, 1),
        reason="New triage pathway",
    )
    report = assemble_ipr(SEPTEMBER)
    cell, okr = trust_cell_and_okr(report)
    assert cell.spc_mean == pytest.approx(640 / 9)
    assert cell.spc_upper_limit == pytest.approx(640 / 9 + 2.66 * 2)
    assert cell.spc_lower_limit == pytest.approx(640 / 9 - 2.66 * 2)
    assert NOTE in cell.spc_notes
    # The chart marks January 2020, and its text alternative says why.
    marked = [point.period for point in okr.chart if point.recalculated]
    assert marked == ["January 2020"] and okr.chart_unit == "Trust"
    figure = spc_chart(okr, value_label="%")
    assert [shape["x0"] for shape in figure["layout"]["shapes"]] == ["2020-01-01"]
    assert f"{NOTE}." in chart_summary(okr)
    # The JSON (and so the published edition and the pack's data) keeps the note.
    history = next(
        cell
        for objective in ipr_to_dict(report)["objectives"]
        for okr in objective["okrs"]
        if okr["code"] == "flow"
        for cell in okr["cells"]
        if cell["unit"] == "Trust"
    )["history"]
    assert [point["recalculated"] for point in history if point["recalculated"]] == [NOTE]
