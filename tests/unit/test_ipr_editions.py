"""A published edition's stored form: versioned, read strictly, and every form
keeps opening (tests/data/edition_schema_3.json is a September 2020 edition of
the seeded strategy stored as editions are stored today; edition_schema_2.json
the same month stored before units could have targets of their own, and
edition_schema_1.json before cells said why they are exceptions)."""

import copy
import json
from pathlib import Path

import pytest

from reporting.ipr import SCHEMA_VERSION, EditionFormatError, ipr_from_dict, ipr_to_dict

DATA = Path(__file__).parent.parent / "data"
STORED = json.loads((DATA / "edition_schema_3.json").read_text())
SECOND_FORM = json.loads((DATA / "edition_schema_2.json").read_text())
FIRST_FORM = json.loads((DATA / "edition_schema_1.json").read_text())


def _cccs_cells(report):
    okr = report.objectives[0].okrs[1]
    assert okr.statement == "We will achieve 95% compliance in CCCS training"
    return {cell.unit: cell for cell in okr.cells}


def test_an_edition_stored_in_todays_form_opens_with_its_figures():
    report = ipr_from_dict(STORED)
    assert report.data_month == "September 2020" and len(report.objectives) == 4
    bucks = _cccs_cells(report)["Bucks MH"]
    assert (bucks.value_text, bucks.target_text, bucks.rag_label) == ("92.0%", "95%", "Red")
    assert bucks.history[-1].value == 92.0


def test_reading_and_writing_again_keeps_every_stored_field_as_it_was():
    again = ipr_to_dict(ipr_from_dict(STORED))

    def same(stored, written, where="report"):
        if isinstance(stored, dict):
            for key, value in stored.items():
                assert key in written, f"{where}.{key} is no longer written"
                same(value, written[key], f"{where}.{key}")
        elif isinstance(stored, list):
            assert len(stored) == len(written), where
            for index, (one, other) in enumerate(zip(stored, written, strict=True)):
                same(one, other, f"{where}[{index}]")
        else:
            assert stored == written, where

    same(STORED, again)
    assert again["schema_version"] == SCHEMA_VERSION


def test_an_edition_from_before_the_version_was_written_reads_as_version_one():
    unversioned = {key: value for key, value in FIRST_FORM.items() if key != "schema_version"}
    assert _cccs_cells(ipr_from_dict(unversioned))["Trust"].value_text == "94%"


def test_an_edition_in_the_first_form_keeps_the_exceptions_it_was_published_with():
    """The first form's September 2020 listed no exceptions (the rule then took
    SPC signals only, and two quarters give no SPC icons): the report still says
    so, as the Board read it. Its cells are given their reasons by today's rule,
    for the pages that read cells (the dashboard): Bucks MH's 92% against 95% with
    2 points' tolerance is Red; the Trust's 94% is Amber, but the only value of its
    series (a run of 1, short of 3), so not an exception."""
    report = ipr_from_dict(FIRST_FORM)
    assert report.summary.exceptions == []
    cells = _cccs_cells(report)
    assert cells["Bucks MH"].exceptions == ["Red"]
    assert cells["Trust"].exceptions == []


def test_an_edition_in_the_second_form_rated_every_unit_against_the_trust_s_target():
    """Before units could have their own targets every target was the Trust's:
    the cells and their series say so."""
    report = ipr_from_dict(SECOND_FORM)
    cells = _cccs_cells(report)
    assert {cell.target_set_for for cell in cells.values()} == {"trust"}
    assert {cell.target_text for cell in cells.values()} == {"95%"}
    assert cells["Bucks MH"].history[-1].target_set_for == "trust"


def test_a_cell_of_the_second_form_without_a_target_says_none_was_set():
    without_target = copy.deepcopy(SECOND_FORM)
    cell = without_target["objectives"][0]["okrs"][1]["cells"][2]
    cell["target"], cell["target_text"] = None, "No target"
    report = ipr_from_dict(without_target)
    assert report.objectives[0].okrs[1].cells[2].target_set_for is None


def test_today_s_form_lists_every_red_among_the_exceptions():
    report = ipr_from_dict(STORED)
    assert _cccs_cells(report)["Bucks MH"].exceptions == ["Red"]
    listed = {(item.okr, item.unit): item.detail for item in report.summary.exceptions}
    assert listed[("We will achieve 95% compliance in CCCS training", "Bucks MH")] == "Red"


def test_a_renamed_field_is_an_error_naming_it_never_a_silent_blank():
    renamed = copy.deepcopy(STORED)
    cell = renamed["objectives"][0]["okrs"][1]["cells"][2]
    cell["value_txt"] = cell.pop("value_text")
    with pytest.raises(EditionFormatError) as error:
        ipr_from_dict(renamed)
    assert "objectives[0].okrs[1].cells[2]" in str(error.value)
    assert "value_txt" in str(error.value)


def test_a_missing_field_without_a_default_is_an_error():
    missing = copy.deepcopy(STORED)
    del missing["objectives"][1]["rating_rule"]
    with pytest.raises(EditionFormatError, match=r"objectives\[1\]: missing field rating_rule"):
        ipr_from_dict(missing)


def test_a_field_added_later_with_a_default_may_be_absent():
    older = copy.deepcopy(STORED)
    for objective in older["objectives"]:
        for okr in objective["okrs"]:
            del okr["calculation"]
            for cell in okr["cells"]:
                del cell["history"]
    report = ipr_from_dict(older)
    assert report.objectives[0].okrs[0].calculation == ""
    assert _cccs_cells(report)["Trust"].history == []


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 0, "1", None])
def test_a_form_this_version_does_not_know_is_refused(version):
    with pytest.raises(EditionFormatError, match="form"):
        ipr_from_dict({**STORED, "schema_version": version})


def test_a_report_kept_by_another_release_is_never_served(monkeypatch):
    """Kept reports are keyed by the code that assembled them: change a rule (here
    the Trust's value) and the key changes, so the shared cache, which outlives a
    restart, cannot hand over a report the previous release assembled."""
    import datetime
    from pathlib import Path

    from reporting import ipr

    before = ipr._assembly_code()
    assert before == ipr.ASSEMBLY_CODE
    assert before in ipr._cache_key(datetime.date(2020, 9, 1), None, True, "7-abc")
    read = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda path: read(path) + (b"# changed" if path.name == "trust_values.py" else b""),
    )
    assert ipr._assembly_code() != before
