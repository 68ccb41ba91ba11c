"""Trajectories (issue: ratings a board can trust, point 2), on the seeded CCCS
training OKR: quarterly, higher is better, 95% for the Trust from April 2020, 2
points' tolerance. Bucks MH has 92% in Q2 2020/21 (seeded); these tests add 92%
in Q3 and 93% in Q4. Every expected rating and sentence is worked by hand:

- planned trajectory from Q2 2020/21: 92, 93, 94, 95 (goal 95% by Q1 2021/22).
  Q2: 92 against ≥92, met: Green. Q3: 92 against ≥93, 1 short, within 2: Amber.
  Q4: 93 against ≥94, 1 short: Amber.
- revised from Q3 2020/21: 91, 92, 93, 94, 95 (goal by Q3 2021/22). Q2 keeps
  the planned 92 (Green); Q3: 92 against ≥91, met: Green; Q4: 93 against ≥92,
  met: Green.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Result, Trajectory
from okrs.result_planner import value_rules
from reporting.actions import publish_ipr
from reporting.ipr import assemble_ipr
from reporting.selectors import edition_report

pytestmark = pytest.mark.usefixtures("seeded")
CCCS = "quality-cccs-training"
SEPTEMBER, DECEMBER, MARCH = (
    datetime.date(2020, 9, 1),
    datetime.date(2020, 12, 1),
    datetime.date(2021, 3, 1),
)
Q2, Q3, Q4 = (periods.quarter_span(2020, quarter) for quarter in (2, 3, 4))


def cccs() -> KeyResult:
    return KeyResult.objects.get(code=CCCS)


def bucks() -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug="bucks-mh")


def cell(report, unit_name="Bucks MH"):
    okr = next(o for objective in report.objectives for o in objective.okrs if o.code == CCCS)
    return next(cell for cell in okr.cells if cell.unit == unit_name)


@pytest.fixture
def later_values():
    for span, value in ((Q3, 92), (Q4, 93)):
        Result.objects.create(
            key_result=cccs(),
            period=okr_actions.ensure_period(span),
            unit=bucks(),
            value=Decimal(value),
            entered_at=timezone.now(),
        )


def plan(by=None):
    return okr_actions.set_planned_trajectory(
        by=by,
        key_result=cccs(),
        unit=bucks(),
        first_period=Q2,
        values=[Decimal(value) for value in (92, 93, 94, 95)],
        reason="Recovery plan agreed with the directorate",
        approved_by="Quality Committee",
        approved_on=datetime.date(2020, 7, 14),
    )


def revise(by=None, first_period=Q3, values=(91, 92, 93, 94, 95)):
    return okr_actions.revise_trajectory(
        by=by,
        key_result=cccs(),
        unit=bucks(),
        first_period=first_period,
        values=[Decimal(value) for value in values],
        reason="Staffing gaps in Q3: recovery moved back two quarters",
        approved_by="Quality Committee",
        approved_on=datetime.date(2020, 12, 15),
    )


def test_a_period_is_rated_against_the_trajectory_point_and_says_so(later_values):
    plan()
    q2 = cell(assemble_ipr(SEPTEMBER))
    assert (q2.target, q2.target_kind, q2.target_set_for, q2.rag) == (
        92.0,
        "trajectory",
        "unit",
        "green",
    )
    assert q2.rag_explanation == (
        "92.0% against the trajectory ≥92% for Q2 2020/21 (goal 95% by Q1 2021/22), "
        "target met: Green"
    )
    q3 = cell(assemble_ipr(DECEMBER))
    assert (q3.target, q3.rag) == (93.0, "amber")
    assert q3.rag_explanation == (
        "92.0% against the trajectory ≥93% for Q3 2020/21 (goal 95% by Q1 2021/22), "
        "1 point short, within the 2 points tolerance: Amber"
    )
    # Only Bucks MH has a trajectory: the Trust is still rated against its goal.
    trust = cell(assemble_ipr(SEPTEMBER), "Trust")
    assert (trust.target, trust.target_kind, trust.rag) == (95.0, "goal", "amber")


def test_a_revised_trajectory_changes_ratings_from_its_first_period_only(later_values):
    plan()
    revise()
    march = cell(assemble_ipr(MARCH))
    assert [
        (point.period, point.target, point.target_kind, point.rag) for point in march.history
    ] == [
        ("Q2 2020/21", 92.0, "trajectory", "green"),
        ("Q3 2020/21", 91.0, "revised_trajectory", "green"),
        ("Q4 2020/21", 92.0, "revised_trajectory", "green"),
    ]
    assert march.rag_explanation == (
        "93.0% against the revised trajectory ≥92% for Q4 2020/21 (goal 95% by Q3 2021/22), "
        "target met: Green"
    )
    # The chart draws the goal, the planned and the revised trajectory apart.
    q3 = march.history[1]
    assert (q3.goal, q3.planned_trajectory, q3.revised_trajectory) == (95.0, 93.0, 91.0)
    q2 = march.history[0]
    assert (q2.goal, q2.planned_trajectory, q2.revised_trajectory) == (95.0, 92.0, None)


def test_a_published_edition_keeps_the_trajectory_it_was_rated_against(later_values, users_by_role):
    """September's edition rated Q2's 92% Green against the planned 92. A revision
    from Q2 itself (93) rates a fresh report Amber; the edition still says Green."""
    plan()
    edition = publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    revise(first_period=Q2, values=(93, 93, 94, 95))
    assert cell(assemble_ipr(SEPTEMBER)).rag == "amber"
    edition.refresh_from_db()
    published = cell(edition_report(edition))
    assert (published.target, published.target_kind, published.rag) == (92.0, "trajectory", "green")


def test_entry_asks_for_a_comment_against_the_trajectory_point(later_values):
    plan()
    revise()
    key_result = KeyResult.objects.prefetch_related("targets").get(code=CCCS)
    rules = value_rules(key_result, okr_actions.ensure_period(Q3), bucks())
    assert rules.target == Decimal(91)


def test_the_trajectory_is_recorded_with_who_why_and_who_agreed_it(users_by_role):
    admin = users_by_role[Role.TRUST_ADMINISTRATOR]
    plan(by=admin)
    revised = revise(by=admin)
    assert (revised.revision, revised.approved_by, revised.approved_on) == (
        2,
        "Quality Committee",
        datetime.date(2020, 12, 15),
    )
    record = revised.history.get()
    assert record.history_user == admin
    assert record.history_change_reason == "Staffing gaps in Q3: recovery moved back two quarters"
    assert [point.value for point in revised.points.order_by("period_start")] == [
        Decimal(value) for value in (91, 92, 93, 94, 95)
    ]
    assert all(point.history.get().history_user == admin for point in revised.points.all())


def test_a_second_planned_trajectory_is_refused_so_the_first_is_kept():
    plan()
    with pytest.raises(ValidationError, match="revise it instead"):
        plan()
    assert Trajectory.objects.count() == 1


def test_a_revision_needs_a_planned_trajectory_who_agreed_it_and_when():
    with pytest.raises(ValidationError, match="set the planned one first"):
        revise()
    plan()
    with pytest.raises(ValidationError, match="who agreed"):
        okr_actions.revise_trajectory(
            by=None,
            key_result=cccs(),
            unit=bucks(),
            first_period=Q3,
            values=[Decimal(91)],
            reason="test",
            approved_by="  ",
            approved_on=datetime.date(2020, 12, 15),
        )
    with pytest.raises(ValidationError, match="on or after the planned"):
        revise(first_period=periods.quarter_span(2020, 1))
    assert Trajectory.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "at least one target"),
        ([Decimal(90)] * 37, "at most 36 targets"),
        ([Decimal(92), Decimal(150)], "Target 2"),
    ],
)
def test_a_trajectory_s_targets_have_bounds(values, message):
    with pytest.raises(ValidationError, match=message):
        okr_actions.set_planned_trajectory(
            by=None,
            key_result=cccs(),
            unit=bucks(),
            first_period=Q2,
            values=values,
            reason="test",
        )
    assert not Trajectory.objects.exists()


def test_a_monthly_period_is_refused_for_a_quarterly_okr():
    with pytest.raises(ValidationError, match="quarterly period"):
        okr_actions.set_planned_trajectory(
            by=None,
            key_result=cccs(),
            unit=bucks(),
            first_period=periods.span_containing(periods.MONTHLY, datetime.date(2020, 7, 1)),
            values=[Decimal(92)],
            reason="test",
        )


# --- The page (Trust administrators) ----------------------------------------------

PAGE = "/manage/okrs/quality-cccs-training/trajectories/"


@pytest.fixture
def admin_client(client, users_by_role):
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    return client


def form(**changes) -> dict:
    return {
        "unit": "bucks-mh",
        "first_period": "2020-07-01",
        "values": "92\r\n93\r\n94%\r\n\r\n95",
        "approved_by": "",
        "approved_on": "",
        "reason": "Recovery plan agreed with the directorate",
    } | changes


def test_an_administrator_sets_then_revises_a_trajectory_on_the_page(admin_client):
    okr_actions.ensure_period(Q2)
    okr_actions.ensure_period(Q3)
    response = admin_client.post(PAGE, form(), follow=True)
    page = response.content.decode()
    assert "Planned trajectory recorded for Bucks MH." in page
    planned = Trajectory.objects.get()
    assert [point.value for point in planned.points.order_by("period_start")] == [
        Decimal(value) for value in (92, 93, 94, 95)
    ]
    response = admin_client.post(
        PAGE,
        form(
            first_period="2020-10-01",
            values="91\n92\n93",
            approved_by="Quality Committee",
            approved_on="2020-12-15",
            reason="Staffing gaps in Q3",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Revised trajectory (revision 2) recorded for Bucks MH." in page
    assert "Revision 2</strong>, agreed by Quality Committee on 15 December 2020" in page
    table = page[page.index('data-testid="trajectory-bucks-mh"') :]
    # Q3 2020/21: planned 93%, revised 91%.
    assert "Q3 2020/21</th>\n          <td" in table
    assert '>93%</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">91%</td>' in table


def test_a_revision_without_who_agreed_it_is_refused_beside_the_field(admin_client):
    okr_actions.ensure_period(Q2)
    okr_actions.ensure_period(Q3)
    admin_client.post(PAGE, form())
    response = admin_client.post(PAGE, form(first_period="2020-10-01", values="91"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say who agreed the revised trajectory" in page
    assert Trajectory.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("92\nninety", "Target 2 (‘ninety’) is not a number"),
        ("92\n150", "Target 2: Enter a percentage between 0 and 100"),
        ("\n\n", "Enter at least one target"),
    ],
)
def test_targets_that_are_not_numbers_are_refused_with_the_line(admin_client, values, message):
    okr_actions.ensure_period(Q2)
    response = admin_client.post(PAGE, form(values=values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Trajectory.objects.exists()


def test_only_administrators_reach_the_page(client, users_by_role):
    for role in (Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.VIEWER):
        client.force_login(users_by_role[role])
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, form()).status_code == 403
    assert not Trajectory.objects.exists()


# --- By upload -------------------------------------------------------------------


def upload(admin_client, content: bytes, name="trajectories.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "reason": "Recovery plans agreed at the Quality Committee",
        "approved_by": "",
        "approved_on": "",
        "file": SimpleUploadedFile(name, content),
    } | fields
    return admin_client.post(PAGE, data, follow=True)


TWO_UNITS = (
    b"unit,period,target\r\n"
    b"Bucks MH,Q3 2020/21,93\r\n"  # out of order in the file: read by period
    b"Bucks MH,Q2 2020/21,92\r\n"
    b"community-services,Q2 2020/21,95%\r\n"
)


def test_a_file_sets_several_units_trajectories_at_once(admin_client):
    page = upload(admin_client, TWO_UNITS).content.decode()
    assert "Planned trajectory recorded for Bucks MH." in page
    assert "Planned trajectory recorded for Community Services." in page
    points = {
        (trajectory.unit.slug, str(point.period_start)): point.value
        for trajectory in Trajectory.objects.select_related("unit")
        for point in trajectory.points.all()
    }
    assert points == {
        ("bucks-mh", "2020-07-01"): Decimal(92),
        ("bucks-mh", "2020-10-01"): Decimal(93),
        ("community-services", "2020-07-01"): Decimal(95),
    }
    assert cell(assemble_ipr(SEPTEMBER)).target_kind == "trajectory"


def test_a_file_that_revises_one_unit_needs_who_agreed_it_and_records_nothing_else(
    admin_client,
):
    """Bucks MH already has a trajectory, so the file revises it, which needs who
    agreed it: refused, and Community Services' new trajectory is not kept either."""
    plan()
    page = upload(admin_client, TWO_UNITS).content.decode()
    assert "Bucks MH: Say who agreed the revised trajectory" in page
    assert Trajectory.objects.count() == 1
    page = upload(
        admin_client, TWO_UNITS, approved_by="Quality Committee", approved_on="2020-12-15"
    ).content.decode()
    assert "Revised trajectory (revision 2) recorded for Bucks MH." in page
    assert Trajectory.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"unit,period,target\r\nNowhere,Q2 2020/21,92\r\n",
            "Row 2: there is no unit ‘Nowhere’",
        ),
        (
            b"unit,period,target\r\nBucks MH,September 2020,92\r\n",
            "Row 2: ‘September 2020’ is not a quarterly period",
        ),
        (b"unit,period,target\r\nBucks MH,Q2 2020/21,lots\r\n", "is not a number"),
        (
            b"unit,period,target\r\nBucks MH,Q2 2020/21,92\r\nBucks MH,Q4 2020/21,94\r\n",
            "Bucks MH: the periods must follow one another with none missing",
        ),
        (
            b"unit,period,target\r\nBucks MH,Q2 2020/21,92\r\nbucks-mh,Q2 2020/21,93\r\n",
            "Row 3: Bucks MH already has a target for Q2 2020/21",
        ),
        (b"unit,target\r\nBucks MH,92\r\n", "The file has no period column"),
        (b"unit,period,target\r\nBucks MH,Q2 2020/21,150\r\n", "between 0 and 100"),
    ],
)
def test_a_file_with_a_problem_records_nothing_and_says_where(admin_client, content, message):
    page = upload(admin_client, content).content.decode()
    assert message in page.replace("&#x27;", "'")
    assert not Trajectory.objects.exists()


def test_a_file_too_large_is_refused_from_its_declared_size(admin_client):
    from okrs.imports.reading import MAX_FILE_BYTES

    response = admin_client.generic(
        "POST",
        PAGE,
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MAX_FILE_BYTES + 200 * 1024),
    )
    assert response.status_code == 413
    assert "The file is larger than 5 MB" in response.content.decode()
    assert not Trajectory.objects.exists()
