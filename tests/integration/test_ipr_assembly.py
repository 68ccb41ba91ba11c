"""The one IPR assembly, against the seeded year-one Quality table."""

import datetime
import json

import pytest
from django.core.management import call_command

from reporting.ipr import assemble_ipr, ipr_to_dict
from reporting.models import RecordedOverallRating

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER_2020 = datetime.date(2020, 9, 1)


def quality(ipr):
    return next(objective for objective in ipr.objectives if objective.short_name == "Quality")


def test_the_computed_overall_row_equals_the_slide():
    ipr = assemble_ipr(SEPTEMBER_2020)
    computed = {overall.unit: overall.rag_label for overall in quality(ipr).overall}
    published = {
        rating.unit.short_name: rating.get_rag_display()
        for rating in RecordedOverallRating.objects.select_related("unit")
    }
    assert (
        computed
        == published
        == {
            "Community Services": "Red",
            "Oxon & BSW MH": "Green",
            "Bucks MH": "Amber",
            "Specialised": "Green",
            "Trust": "Amber",
        }
    )


def test_quarterly_okrs_show_their_latest_quarter_with_explained_ratings():
    okr = next(
        okr
        for okr in quality(assemble_ipr(SEPTEMBER_2020)).okrs
        if okr.code == "quality-cccs-training"
    )
    assert okr.period == "Q2 2020/21"
    bucks = next(cell for cell in okr.cells if cell.unit == "Bucks MH")
    assert bucks.value_text == "92.0%" and bucks.rag_label == "Red"
    assert bucks.rag_explanation == (
        "92.0% against ≥95%, 3 points short, beyond the 2 points tolerance: Red"
    )
    # One value is too few for SPC limits: a run chart, no icons.
    assert bucks.variation is None and bucks.assurance is None


def test_governance_and_narrative_are_carried():
    objective = quality(assemble_ipr(SEPTEMBER_2020))
    assert objective.committee == "Quality & Safety Committee"
    assert {(e.role, tuple(e.holders)) for e in objective.executives} == {
        ("Medical Director", ()),
        ("Chief Nurse", ("Marie Crofts",)),
    }
    (narrative,) = objective.narratives
    assert narrative.signed_by == "Marie Crofts" and narrative.signed_on == "2020-11-12"


def test_a_month_with_no_values_rates_nothing_and_lists_what_is_missing():
    ipr = assemble_ipr(datetime.date(2020, 8, 1))  # Q1 2020/21 has no values
    objective = quality(ipr)
    assert {overall.rag_label for overall in objective.overall} == {"No data"}
    assert len(ipr.summary.missing) == 20


def test_export_ipr_json(tmp_path):
    output = tmp_path / "ipr.json"
    call_command("export_ipr", period="2020-09", format="json", output=str(output))
    data = json.loads(output.read_text())
    assert data == json.loads(
        json.dumps(
            ipr_to_dict(assemble_ipr(SEPTEMBER_2020)) | {"assembled_at": data["assembled_at"]}
        )
    )
    overall = {row["unit"]: row["rag_label"] for row in data["objectives"][0]["overall"]}
    assert overall["Community Services"] == "Red" and overall["Trust"] == "Amber"


def test_objectives_hold_their_focus_areas_and_each_okr_once():
    objective = quality(assemble_ipr(SEPTEMBER_2020))
    assert len(objective.focus_areas) == 12  # the 11 focus areas, then the unlinked OKRs
    assert objective.focus_areas[0].title == (
        "Improving personalised care planning and access to services"
    )
    # The seeds link the harm OKR to the fourth focus area (derived, to confirm); no
    # focus area plainly fits the other three year-one OKRs.
    harm_area = objective.focus_areas[3]
    assert harm_area.title == "Minimise avoidable harm to patients and reduce restrictive practice"
    assert harm_area.okr_codes == ["quality-reduce-harm"]
    unlinked = objective.focus_areas[-1]
    assert unlinked.title is None
    assert sorted(unlinked.okr_codes) == [
        "quality-cccs-training",
        "quality-patient-satisfaction",
        "quality-staff-sickness",
    ]
    codes = [code for focus_area in objective.focus_areas for code in focus_area.okr_codes]
    assert sorted(codes) == sorted(okr.code for okr in objective.okrs)
