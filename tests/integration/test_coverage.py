"""Strategy coverage (/coverage/): what the current strategy does not yet measure,
against a worked example, by role, and in a fixed number of queries.

The worked example is the seeded current strategy (Trust Strategy 2021–2026,
fixtures/strategies/2021-26-trust-strategy.yaml and fixtures/organisation.yaml)
with a few additions made through the actions, on 15 February 2021.

What the seeds hold, counted by hand:

- 4 objectives. 1 Quality leads by the Chief Nurse (held by Marie Crofts, no dates)
  and the Medical Director (nobody); 2 People, 3 Sustainability and
  4 Research & Education name no lead role.
- 39 key focus areas: Quality 11, People 9, Sustainability 13, Research &
  Education 6. Of the OKRs linked to them, only quality-reduce-harm (Quality's 4th,
  "Minimise avoidable harm…") is active; Quality's 1st and 2nd each have one draft
  OKR (quality-draft-involved-in-decisions, quality-draft-more-feedback).
- 4 active quarterly OKRs, all Quality, in this order: quality-reduce-harm,
  quality-cccs-training, quality-staff-sickness, quality-patient-satisfaction
  (order 1 to 4), none with an executive owner, each with a target from 1 April
  2020.
- Units: the four 2020 directorates (from 1 April 2020) and the Trust are active in
  2020/21; the four FY18 directorates ended on 31 March 2020.
- Periods: Q2 2017/18, Q2 2020/21 (due 20 October 2020) and September 2020 (due
  15 October 2020).

What the test adds:

- roles: People is led by a new Chief People Officer, held by Pat Past until
  31 December 2020 and by Fran Future from 1 March 2021 (nobody on the day);
  Sustainability by the Director of Strategy & Chief Information Officer (held by
  Martyn Ward, no dates).
- OKRs: coverage-monthly (active, monthly, target from 1 April 2020, no owner,
  Quality's 3rd focus area, order 0); coverage-future-target and
  coverage-no-target (active, quarterly, Chief Nurse, no focus area; the first's
  only target is from 1 April 2021, the second has none); coverage-achieved
  (achieved, Sustainability's 2nd focus area); coverage-retired (retired,
  Sustainability's 1st focus area).
- periods: Q3 2020/21 (due 20 January 2021), Q4 2020/21 (due 20 April 2021),
  December 2020 (due 15 January 2021), January 2021 (due 15 February 2021: the day
  itself, so not yet late).
- values: Q3 2020/21, every quarterly OKR owed submitted by Community Services;
  harm and CCCS submitted by Bucks MH, its staff sickness saved as a draft (still
  outstanding). December 2020: coverage-monthly submitted by Specialised and the
  Trust.

So, by the rules:

- objectives with no executive owner: 2 People (its only role held by nobody on
  15 February 2021) and 4 Research & Education (no role). Quality has the Chief
  Nurse; Sustainability has Martyn Ward.
- focus areas with an OKR in use: Quality 3rd (coverage-monthly), Quality 4th
  (quality-reduce-harm), Sustainability 2nd (achieved). The other 36 of 39 are
  gaps; the retired OKR does not cover Sustainability's 1st.
- active OKRs with no target in force: coverage-future-target (first target 1 April
  2021) and coverage-no-target; objective then order then code puts
  "coverage-future-target" first.
- active OKRs with no owner: coverage-monthly (order 0), then the four seeded ones.
- periods: the latest monthly period due before the day is December 2020
  (January 2021 is due on the day); the latest quarterly, Q3 2020/21 (Q4 not due).
  Both end on 31 December 2020; monthly is listed first.
  December 2020 owes coverage-monthly only (1 OKR): Community Services,
  Oxon & BSW MH and Bucks MH owe 1 of 1; Specialised and the Trust submitted.
  Q3 2020/21 owes the 4 seeded OKRs (coverage-future-target's first target is
  after the quarter, coverage-no-target has none, the achieved one is not
  active): Oxon & BSW MH 4 of 4, Bucks MH 2 of 4, Specialised 4 of 4, the Trust
  (last) 4 of 4. The FY18 directorates owe nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.coverage import coverage, coverage_inputs
from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole, OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from objectives.selectors import current_strategy
from okrs import actions as okr_actions
from okrs import periods
from okrs.result_planner import ResultChange
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")

DAY = datetime.date(2021, 2, 15)
SEEDED_ACTIVE = [
    "quality-reduce-harm",
    "quality-cccs-training",
    "quality-staff-sickness",
    "quality-patient-satisfaction",
]


def objective(number: int) -> StrategicObjective:
    return StrategicObjective.objects.get(strategy__is_current=True, number=number)


def unit(slug: str) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


def period(label: str):
    return okr_actions.ensure_period(periods.parse_period_label(label))


def add_okr(objective, code: str, *, status: str, **fields):
    return okr_actions.create_key_result(
        by=None,
        objective=objective,
        code=code,
        statement=f"{code} statement",
        status=status,
        measure="percentage",
        direction="increase",
        frequency="quarterly",
        reason="test",
        **fields,
    )


@pytest.fixture
def worked(make_user):
    """The additions described in the module's docstring."""
    quality, people, sustainability = objective(1), objective(2), objective(3)
    cpo = strategy_actions.create_executive_role(
        by=None, slug="chief-people-officer", title="Chief People Officer", reason="test"
    )
    for slug, name, starts_on, ends_on in [
        ("pat-past", "Pat Past", datetime.date(2019, 1, 1), datetime.date(2020, 12, 31)),
        ("fran-future", "Fran Future", datetime.date(2021, 3, 1), None),
    ]:
        person = strategy_actions.create_person(by=None, slug=slug, full_name=name, reason="test")
        strategy_actions.assign_role(
            by=None, role=cpo, person=person, starts_on=starts_on, ends_on=ends_on, reason="test"
        )
    strategy_actions.set_objective_leads(by=None, objective=people, lead_roles=[cpo], reason="test")
    strategy_actions.set_objective_leads(
        by=None,
        objective=sustainability,
        lead_roles=[ExecutiveRole.objects.get(title__startswith="Director of Strategy")],
        reason="test",
    )

    quality_areas = list(quality.focus_areas.order_by("order"))
    sustainability_areas = list(sustainability.focus_areas.order_by("order"))
    monthly = add_active_okr(
        quality,
        "coverage-monthly",
        frequency="monthly",
        target=90,
        target_from=datetime.date(2020, 4, 1),
        focus_area=quality_areas[2],
    )
    chief_nurse = ExecutiveRole.objects.get(title="Chief Nurse")
    future = add_okr(quality, "coverage-future-target", status="active", owner_role=chief_nurse)
    okr_actions.set_target(
        by=None,
        key_result=future,
        value=Decimal(50),
        effective_from=datetime.date(2021, 4, 1),
        reason="test",
    )
    add_okr(quality, "coverage-no-target", status="active", owner_role=chief_nurse)
    add_okr(
        sustainability, "coverage-achieved", status="achieved", focus_area=sustainability_areas[1]
    )
    add_okr(
        sustainability, "coverage-retired", status="retired", focus_area=sustainability_areas[0]
    )

    for label in ["Q3 2020/21", "Q4 2020/21", "December 2020", "January 2021"]:
        period(label)
    secretary = make_user("coverage-secretary", Role.BOARD_SECRETARY)

    def enter(codes, unit_slug: str, label: str, *, submit: bool) -> None:
        from okrs.models import KeyResult

        plan = okr_actions.apply_result_changes(
            by=secretary,
            changes=[
                ResultChange(
                    key_result=KeyResult.objects.get(code=code),
                    unit=unit(unit_slug),
                    period=period(label),
                    raw_value="50",
                    comment="Worked example",
                )
                for code in codes
            ],
            submit=submit,
            reason="Worked example",
        )
        assert not plan.has_errors, plan.general_errors + [item.message for item in plan.items]

    enter(SEEDED_ACTIVE, "community-services", "Q3 2020/21", submit=True)
    enter(SEEDED_ACTIVE[:2], "bucks-mh", "Q3 2020/21", submit=True)
    enter(SEEDED_ACTIVE[2:3], "bucks-mh", "Q3 2020/21", submit=False)
    enter([monthly.code], "specialised", "December 2020", submit=True)
    enter([monthly.code], "trust", "December 2020", submit=True)


def worked_coverage():
    return coverage(coverage_inputs(current_strategy(), DAY))


def test_objectives_with_no_executive_owner(worked):
    found = worked_coverage()
    assert [(gap.label, gap.detail) for gap in found.objectives_without_owner] == [
        ("2. People", "Chief People Officer: nobody holds this role today"),
        ("4. Research & Education", "No executive director named"),
    ]
    assert found.objective_count == 4


def test_focus_areas_with_no_okr_in_use(worked):
    found = worked_coverage()
    listed = [(gap.objective, gap.detail) for gap in found.focus_areas_without_okr]
    orders = {
        "1. Quality": [1, 2, 5, 6, 7, 8, 9, 10, 11],
        "2. People": list(range(1, 10)),
        "3. Sustainability": [1, *range(3, 14)],
        "4. Research & Education": list(range(1, 7)),
    }
    titles = {
        (area.objective.number, area.order): area.title
        for area in current_strategy().objectives.get(number=1).focus_areas.all()
    }
    expected_details = {1: "No OKR in use; 1 in draft", 2: "No OKR in use; 1 in draft"}
    expected = [
        (
            label,
            expected_details.get(order, "No OKR yet") if label == "1. Quality" else "No OKR yet",
        )
        for label, numbers in orders.items()
        for order in numbers
    ]
    assert listed == expected
    assert len(listed) == 36
    assert found.focus_area_count == 39
    # Quality's gaps by title: its 3rd and 4th focus areas are measured.
    assert [gap.title for gap in found.focus_areas_without_okr[:9]] == [
        titles[(1, order)] for order in orders["1. Quality"]
    ]


def test_okrs_in_use_with_no_target_or_no_owner(worked):
    found = worked_coverage()
    assert [(gap.code, gap.detail) for gap in found.okrs_without_target] == [
        ("coverage-future-target", "Its first target applies from 1 April 2021"),
        ("coverage-no-target", "No target set"),
    ]
    assert [gap.code for gap in found.okrs_without_owner] == ["coverage-monthly", *SEEDED_ACTIVE]
    assert {gap.objective for gap in found.okrs_without_owner} == {"1. Quality"}
    # Active: the 4 seeded, coverage-monthly, -future-target and -no-target.
    assert found.okrs_in_use == 7


def test_units_that_have_not_submitted_for_the_latest_periods_past_due(worked):
    found = worked_coverage()
    assert [(item.period.label, item.okrs_owed, item.units_owing) for item in found.periods] == [
        ("December 2020", 1, 5),
        ("Q3 2020/21", 4, 5),
    ]
    assert [
        [(gap.name, gap.outstanding, gap.owed) for gap in item.units] for item in found.periods
    ] == [
        [("Community Services", 1, 1), ("Oxon & BSW MH", 1, 1), ("Bucks MH", 1, 1)],
        [
            ("Oxon & BSW MH", 4, 4),
            ("Bucks MH", 2, 4),
            ("Specialised", 4, 4),
            ("Trust", 4, 4),
        ],
    ]
    assert found.unit_gap_count == 7


def test_the_page_lists_the_gaps_with_their_links(worked, client, users_by_role, monkeypatch):
    monkeypatch.setattr("okrs.selectors.today", lambda: DAY)
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    content = client.get(reverse("dashboard:coverage")).content.decode()
    assert "Objectives with no executive owner (2)" in content
    assert "Key focus areas with no OKR in use (36)" in content
    assert "36 of 39 key focus areas" in content
    assert "OKRs in use with no target in force today (2)" in content
    assert "OKRs in use with no executive owner (5)" in content
    assert "Units that have not submitted (7)" in content
    assert f'href="{reverse("reporting:objective", args=[objective(2).pk])}"' in content
    assert f'href="{reverse("okrs:key_result", args=["coverage-no-target"])}"' in content
    assert "December 2020, due 15 January 2021 (3)" in content
    assert "Q3 2020/21, due 20 January 2021 (4)" in content
    quarter = period("Q3 2020/21")
    assert f'href="{reverse("okrs:tracking", args=[quarter.pk])}"' in content
    assert "Bucks MH</a>: 2 of 4 values outstanding" in content


def test_a_viewer_sees_units_without_the_tracking_link(worked, client, users_by_role, monkeypatch):
    monkeypatch.setattr("okrs.selectors.today", lambda: DAY)
    client.force_login(users_by_role[Role.VIEWER])
    content = client.get(reverse("dashboard:coverage")).content.decode()
    assert reverse("okrs:tracking", args=[period("Q3 2020/21").pk]) not in content
    assert f'href="{reverse("dashboard:unit", args=["bucks-mh"])}"' in content


def test_empty_lists_say_so(client, users_by_role, monkeypatch):
    """Everything closed: every objective led by a held role, every focus area with an
    active OKR with a target and an owner, every value submitted."""
    monkeypatch.setattr("okrs.selectors.today", lambda: DAY)
    chief_nurse = ExecutiveRole.objects.get(title="Chief Nurse")
    strategy = current_strategy()
    for item in strategy.objectives.all():
        strategy_actions.set_objective_leads(
            by=None, objective=item, lead_roles=[chief_nurse], reason="test"
        )
    from okrs.models import KeyResult

    KeyResult.objects.filter(objective__strategy=strategy, status="active").update(
        owner_role=chief_nurse
    )
    for area in strategy.objectives.all().prefetch_related("focus_areas"):
        for focus_area in area.focus_areas.all():
            if not focus_area.key_results.filter(status="active").exists():
                add_okr(
                    area,
                    f"cover-{focus_area.pk}",
                    status="achieved",
                    focus_area=focus_area,
                )
    client.force_login(users_by_role[Role.VIEWER])
    content = client.get(reverse("dashboard:coverage")).content.decode()
    assert "Every objective has an executive owner." in content
    assert "Every key focus area has an OKR in use." in content
    assert "Every OKR in use has a target in force today." in content
    assert "Every OKR in use has an executive owner." in content
    # The seeds' Q2 2020/21: every unit submitted all 4 values.
    assert "Every unit has submitted everything it owes for Q2 2020/21." in content
    assert "Units that have not submitted (0)" in content


# --- By role ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_page(client, make_user, role):
    client.force_login(make_user("reader", role))
    response = client.get(reverse("dashboard:coverage"))
    assert response.status_code == 200
    assert "What the strategy does not yet measure" in response.content.decode()


def test_nobody_logged_in_is_sent_to_log_in(client):
    response = client.get(reverse("dashboard:coverage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_with_no_role_is_refused(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("dashboard:coverage")).status_code == 403


def test_the_dashboard_links_to_the_page(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    content = client.get(reverse("dashboard:home") + "?month=2020-09").content.decode()
    assert (
        f'<a href="{reverse("dashboard:coverage")}">What the strategy does not yet measure</a>'
        in (content)
    )


# --- Query counts ------------------------------------------------------------------------


def _add_strategy_data(prefix: str, count: int, months: int) -> None:
    """More of everything the page reads: OKRs with results for every unit each
    month, focus areas, lead roles with holders."""
    quality, people = objective(1), objective(2)
    units = [item for item in OrganisationalUnit.objects.all() if item.active_to is None]
    spans = []
    span = periods.parse_period_label("April 2020")
    for _ in range(months):
        spans.append(okr_actions.ensure_period(span))
        span = periods.next_span(span)
    entries = []
    for number in range(count):
        focus_area = strategy_actions.add_focus_area(
            by=None,
            objective=people,
            order=100 + number if prefix == "small" else 200 + number,
            title=f"{prefix} area {number}",
            provenance="derived",
            reason="test",
        )
        role = strategy_actions.create_executive_role(
            by=None, slug=f"{prefix}-role-{number}", title=f"{prefix} role {number}", reason="test"
        )
        person = strategy_actions.create_person(
            by=None, slug=f"{prefix}-person-{number}", full_name=f"{prefix} {number}", reason="test"
        )
        strategy_actions.assign_role(by=None, role=role, person=person, reason="test")
        strategy_actions.set_objective_leads(
            by=None,
            objective=people,
            lead_roles=[*people.lead_roles.all(), role],
            reason="test",
        )
        key_result = add_active_okr(
            quality,
            f"{prefix}-{number}",
            frequency="monthly",
            target=90,
            target_from=datetime.date(2020, 4, 1),
            focus_area=quality.focus_areas.first(),
        )
        add_okr(people, f"{prefix}-area-okr-{number}", status="draft", focus_area=focus_area)
        entries += [
            okr_actions.ResultEntry(key_result, span_period, active_unit, Decimal(number))
            for span_period in spans
            for active_unit in units
        ]
    okr_actions.record_results_as_system(entries=entries, reason="test")


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard:coverage")).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_data(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    _add_strategy_data("small", count=2, months=3)
    small = _queries(client)
    _add_strategy_data("large", count=12, months=36)
    large = _queries(client)
    assert large == small, f"{small} queries with little data, {large} with more"
    assert small <= 15
