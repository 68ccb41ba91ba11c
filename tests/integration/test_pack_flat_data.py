"""The flat data behind the CSV and the workbook's data sheet: one row per OKR ×
unit × period, each period rated against the target in force at the time.

Worked example (by hand, from docs/domain.md's RAG rules): an OKR "higher is
better", tolerance 2 points; target 90% from April 2020, raised to 95% from July
2020. The Trust reports 92% in June 2020 and 92% in July 2020.
- June: 92 against 90 → target met → Green.
- July: 92 against 95 → 3 points short, beyond the 2 points tolerance → Red.
"""

import datetime
from decimal import Decimal

import pytest

from objectives.models import OrganisationalUnit, StrategicObjective
from okrs import actions as okr_actions
from okrs import periods
from reporting.pack import FLAT_COLUMNS, draft_pack, flat_rows

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def retargeted_okr():
    return _retargeted_okr(status="active")


def _retargeted_okr(*, status):
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    key_result = okr_actions.create_key_result(
        by=None,
        objective=objective,
        code="test-retargeted",
        statement="Compliance with the retargeted standard",
        status=status,
        measure="percentage",
        direction="increase",
        frequency="monthly",
        tolerance=Decimal(2),
        reason="Test",
    )
    for value, starts in [(90, datetime.date(2020, 4, 1)), (95, datetime.date(2020, 7, 1))]:
        okr_actions.set_target(
            by=None, key_result=key_result, value=Decimal(value), effective_from=starts, reason="T"
        )
    trust = OrganisationalUnit.objects.get(slug="trust")
    june, july = (okr_actions.ensure_period(periods.month_span(2020, month)) for month in (6, 7))
    okr_actions.record_results_as_system(
        entries=[
            okr_actions.ResultEntry(key_result, june, trust, Decimal(92)),
            okr_actions.ResultEntry(key_result, july, trust, Decimal(92)),
        ],
        reason="Test",
    )
    return key_result


def test_each_period_is_rated_against_the_target_then_in_force(retargeted_okr):
    rows = [
        row
        for row in flat_rows(draft_pack(datetime.date(2020, 7, 1)))
        if row["okr_code"] == "test-retargeted" and row["unit"] == "Trust"
    ]
    assert [
        (row["period"], row["value"], row["target"], row["rag"], row["is_report_period"])
        for row in rows
    ] == [("June 2020", 92.0, 90.0, "Green", 0), ("July 2020", 92.0, 95.0, "Red", 1)]
    assert rows[0]["period_start"] == "2020-06-01" and rows[1]["edition"] == "Draft"
    assert list(rows[0]) == [column for column, _ in FLAT_COLUMNS]


def test_a_unit_with_no_value_for_the_report_period_still_has_a_row_saying_so(retargeted_okr):
    rows = [
        row
        for row in flat_rows(draft_pack(datetime.date(2020, 7, 1)))
        if row["okr_code"] == "test-retargeted" and row["unit"] == "Bucks MH"
    ]
    assert len(rows) == 1
    assert rows[0]["value"] is None and rows[0]["rag"] == "No data"
    assert rows[0]["target"] == 95.0 and rows[0]["period"] == "July 2020"
    assert rows[0]["period_start"] == "2020-07-01" and rows[0]["is_report_period"] == 1


def test_the_documentation_describes_every_column_as_the_code_does():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    for column, description in FLAT_COLUMNS:
        assert f"| `{column}` | {description} |" in documented


def test_an_achieved_okr_is_blue_in_its_report_period_only(db):
    _retargeted_okr(status="achieved")
    rows = [
        row
        for row in flat_rows(draft_pack(datetime.date(2020, 7, 1)))
        if row["okr_code"] == "test-retargeted" and row["unit"] == "Trust"
    ]
    assert [row["rag"] for row in rows] == ["Green", "Blue"]


def test_the_documentation_describes_every_field_of_a_cell_in_the_json():
    import dataclasses
    from pathlib import Path

    from reporting.ipr.types import IprCell

    documented = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    json_section = documented.split("## The JSON", 1)[1].split("\n## ", 1)[0]
    for name in (field.name for field in dataclasses.fields(IprCell)):
        assert f"| `{name}` |" in json_section, name
