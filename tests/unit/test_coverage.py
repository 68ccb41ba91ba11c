"""Strategy coverage's pure rules (dashboard.coverage.coverage), without a database:
who owns an objective on a day, which focus areas an OKR covers, which OKRs have a
target in force, and what a unit still owes for a period."""

import datetime

from dashboard.coverage import (
    CoverageInputs,
    FocusAreaFacts,
    ObjectiveFacts,
    OkrFacts,
    Tenure,
    coverage,
)
from objectives.models import OrganisationalUnit
from okrs.models import ReportingPeriod

DAY = datetime.date(2021, 2, 15)
CHIEF_NURSE, MEDICAL_DIRECTOR = (1, "Chief Nurse"), (2, "Medical Director")


def okr(code, *, status="active", focus_area=None, owner="", first_target_from=None):
    return OkrFacts(
        code=code,
        statement=code,
        objective_id=10,
        focus_area_id=focus_area,
        status=status,
        frequency="quarterly",
        owner=owner,
        first_target_from=first_target_from,
    )


def inputs(
    *, tenures=(), objectives=(), focus_areas=(), okrs=(), units=(), periods=(), submitted=()
):
    return CoverageInputs(
        strategy="Worked",
        today=DAY,
        objectives=list(objectives),
        tenures=list(tenures),
        focus_areas=list(focus_areas),
        okrs=list(okrs),
        units=list(units),
        periods=list(periods),
        submitted=frozenset(submitted),
    )


def test_an_objective_is_owned_while_anyone_holds_one_of_its_lead_roles():
    objectives = [
        ObjectiveFacts(10, "1. Both vacant", (CHIEF_NURSE, MEDICAL_DIRECTOR)),
        ObjectiveFacts(11, "2. One held", (MEDICAL_DIRECTOR, (3, "Chief Executive"))),
        ObjectiveFacts(12, "3. None named", ()),
    ]
    tenures = [
        # The Chief Nurse's holder left the day before; the next starts the day after.
        Tenure(1, None, DAY - datetime.timedelta(days=1)),
        Tenure(1, DAY + datetime.timedelta(days=1), None),
        # The Chief Executive's holding ends on the day itself: still held.
        Tenure(3, None, DAY),
    ]
    found = coverage(inputs(objectives=objectives, tenures=tenures))
    assert [(gap.label, gap.detail) for gap in found.objectives_without_owner] == [
        ("1. Both vacant", "Chief Nurse and Medical Director: nobody holds these roles today"),
        ("3. None named", "No executive director named"),
    ]


def test_focus_areas_are_covered_by_active_or_achieved_okrs_only():
    objectives = [ObjectiveFacts(10, "1. Quality", ())]
    areas = [FocusAreaFacts(n, 10, f"Area {n}") for n in (1, 2, 3, 4, 5)]
    okrs = [
        okr("a", focus_area=1),
        okr("b", status="achieved", focus_area=2),
        okr("c", status="draft", focus_area=3),
        okr("d", status="draft", focus_area=3),
        okr("e", status="retired", focus_area=4),
        okr("f", status="draft", focus_area=1),
    ]
    found = coverage(inputs(objectives=objectives, focus_areas=areas, okrs=okrs))
    assert [(gap.title, gap.detail) for gap in found.focus_areas_without_okr] == [
        ("Area 3", "No OKR in use; 2 in draft"),
        ("Area 4", "No OKR yet"),
        ("Area 5", "No OKR yet"),
    ]


def test_a_target_is_in_force_from_its_first_day():
    okrs = [
        okr("today", first_target_from=DAY, owner="Chief Nurse"),
        okr("tomorrow", first_target_from=DAY + datetime.timedelta(days=1), owner="Chief Nurse"),
        okr("never"),
        okr("draft", status="draft"),
    ]
    found = coverage(inputs(okrs=okrs))
    assert [(gap.code, gap.detail) for gap in found.okrs_without_target] == [
        ("tomorrow", "Its first target applies from 16 February 2021"),
        ("never", "No target set"),
    ]
    assert [gap.code for gap in found.okrs_without_owner] == ["never"]
    assert found.okrs_in_use == 3


def test_a_unit_owes_what_it_has_not_submitted_while_active_in_the_period():
    quarter = ReportingPeriod(
        pk=7,
        frequency="quarterly",
        starts_on=datetime.date(2020, 10, 1),
        ends_on=datetime.date(2020, 12, 31),
        opens_on=datetime.date(2021, 1, 1),
        due_on=datetime.date(2021, 1, 20),
        closes_on=datetime.date(2021, 2, 28),
    )
    trust = OrganisationalUnit(slug="trust", short_name="Trust", kind="trust", order=99)
    north = OrganisationalUnit(slug="north", short_name="North", kind="directorate", order=1)
    # Closed in the middle of the quarter: active in it, so it owes.
    south = OrganisationalUnit(
        slug="south",
        short_name="South",
        kind="directorate",
        order=2,
        active_to=datetime.date(2020, 11, 30),
    )
    # Closed before it: owes nothing.
    east = OrganisationalUnit(
        slug="east",
        short_name="East",
        kind="directorate",
        order=3,
        active_to=datetime.date(2020, 9, 30),
    )
    okrs = [
        okr("a", first_target_from=datetime.date(2020, 4, 1)),
        okr("b", first_target_from=datetime.date(2020, 12, 31)),
        okr("c", first_target_from=datetime.date(2021, 1, 1)),  # after the quarter
        okr("d", status="achieved", first_target_from=datetime.date(2020, 4, 1)),
    ]
    found = coverage(
        inputs(
            okrs=okrs,
            units=[trust, north, south, east],
            periods=[quarter],
            submitted=[("a", "north", 7), ("b", "north", 7), ("a", "trust", 7), ("a", "south", 6)],
        )
    )
    [owed] = found.periods
    assert (owed.okrs_owed, owed.units_owing) == (2, 3)
    assert [(gap.name, gap.outstanding, gap.owed) for gap in owed.units] == [
        ("South", 2, 2),
        ("Trust", 1, 2),
    ]
