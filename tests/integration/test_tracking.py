"""Submission tracking: who may see it, what it shows, and that its queries stay bounded."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")

# Q2 2026/27 (July–September 2026): opens 1 Oct, due 20 Oct, closes 30 Nov 2026.
BEFORE_DUE = datetime.date(2026, 10, 18)
OVERDUE = datetime.date(2026, 10, 25)
CLOSED = datetime.date(2026, 12, 5)

ALLOWED = [Role.TRUST_ADMINISTRATOR, Role.EXECUTIVE, Role.BOARD_SECRETARY]
REFUSED = [Role.DIRECTORATE_LEAD, Role.VIEWER]


@pytest.fixture
def today(monkeypatch):
    """Fix the day the tracking page works out statuses for."""

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr("okrs.views.tracking.today", lambda: day)

    set_day(BEFORE_DUE)
    return set_day


@pytest.fixture
def period():
    return okr_actions.ensure_period(parse_period_label("Q2 2026/27"))


@pytest.fixture
def bucks():
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def lead(make_user, bucks):
    user = make_user("bucks-lead", Role.DIRECTORATE_LEAD)
    person = strategy_actions.create_person(
        by=None, slug="bea-lead", full_name="Bea Lead", user=user, reason="test"
    )
    strategy_actions.set_units_led(by=None, person=person, units=[bucks], reason="test")
    return user


@pytest.fixture
def bucks_entered(lead, bucks, period):
    """Bucks has submitted one OKR and saved another as a draft; nothing else is in."""

    def enter(code: str, raw: str, *, submit: bool) -> None:
        key_result = KeyResult.objects.prefetch_related("targets").get(code=code)
        plan = okr_actions.apply_result_changes(
            by=lead,
            changes=[ResultChange(key_result, bucks, period, raw)],
            submit=submit,
            today=datetime.date(2026, 10, 5),
        )
        assert not plan.has_errors, plan

    enter("quality-cccs-training", "94.5", submit=True)
    enter("quality-staff-sickness", "4", submit=False)


def tracking_url(period=None) -> str:
    if period is None:
        return reverse("okrs:tracking")
    return reverse("okrs:tracking", kwargs={"period": period.pk})


def cell(content: str, code: str, unit: str) -> str:
    start = content.index(f'data-testid="cell-{code}-{unit}"')
    return content[start : content.index("</td>", start)]


# --- Who may see it ---------------------------------------------------------------


@pytest.mark.parametrize("role", ALLOWED, ids=lambda role: role.value)
def test_executives_secretaries_and_administrators_track_submissions(
    client, users_by_role, role, period, today
):
    client.force_login(users_by_role[role])
    assert client.get(tracking_url()).status_code == 200
    assert client.get(tracking_url(period)).status_code == 200


@pytest.mark.parametrize("role", REFUSED, ids=lambda role: role.value)
def test_leads_and_viewers_are_refused(client, users_by_role, role, period, today):
    client.force_login(users_by_role[role])
    assert client.get(tracking_url()).status_code == 403
    assert client.get(tracking_url(period)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, period):
    for url in (tracking_url(), tracking_url(period)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_menu_offers_tracking_only_to_those_who_may_use_it(client, users_by_role):
    link = f'href="{tracking_url()}">Tracking</a>'
    client.force_login(users_by_role[Role.EXECUTIVE])
    assert link in client.get(reverse("objectives:home")).content.decode()
    client.force_login(users_by_role[Role.VIEWER])
    assert link not in client.get(reverse("objectives:home")).content.decode()


# --- What it shows ----------------------------------------------------------------


@pytest.fixture
def secretary(client, users_by_role):
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    return client


def test_each_cell_shows_the_status_word_and_any_value(secretary, period, bucks_entered, today):
    content = secretary.get(tracking_url(period)).content.decode()
    submitted = cell(content, "quality-cccs-training", "bucks-mh")
    assert "nhsuk-tag--green" in submitted and ">Submitted<" in submitted and "94.5%" in submitted
    draft = cell(content, "quality-staff-sickness", "bucks-mh")
    assert ">Draft<" in draft and "4.0%" in draft
    missing = cell(content, "quality-reduce-harm", "bucks-mh")
    assert ">Missing<" in missing
    assert ">Missing<" in cell(content, "quality-cccs-training", "trust")
    assert "Open: due in 2 days." in content
    counts = {
        status: content.split(f'data-testid="count-{status}">')[1].split("</li>")[0]
        for status in ("submitted", "draft", "missing", "late")
    }
    assert {status: text.rsplit(" ", 1)[1] for status, text in counts.items()} == {
        "submitted": "1",
        "draft": "1",
        "missing": "18",
        "late": "0",
    }
    assert "4 OKRs from each of 5 units: 20 values" in content


def test_after_the_due_date_what_is_not_submitted_is_late(secretary, period, bucks_entered, today):
    today(OVERDUE)
    content = secretary.get(tracking_url(period)).content.decode()
    assert ">Submitted<" in cell(content, "quality-cccs-training", "bucks-mh")
    draft = cell(content, "quality-staff-sickness", "bucks-mh")
    assert "nhsuk-tag--red" in draft and ">Late<" in draft and "4.0% (draft)" in draft
    assert ">Late<" in cell(content, "quality-reduce-harm", "specialised")
    assert "5 days overdue" in content


def test_a_closed_period_says_so_and_is_not_counted_overdue(secretary, period, today):
    today(CLOSED)
    content = secretary.get(tracking_url(period)).content.decode()
    assert "Closed on 30 Nov 2026" in content
    assert "overdue" not in content


def test_units_link_to_their_entry_page_show_their_leads_and_the_trust_comes_last(
    secretary, period, lead, today
):
    content = secretary.get(tracking_url(period)).content.decode()
    bucks_row = content[content.index('data-testid="unit-bucks-mh"') :].split("</tr>")[0]
    entry = reverse("okrs:enter_results", kwargs={"unit": "bucks-mh", "period": period.pk})
    assert f'href="{entry}"' in bucks_row
    assert "Bea Lead" in bucks_row
    specialised_row = content[content.index('data-testid="unit-specialised"') :]
    assert "No lead recorded" in specialised_row.split("</tr>")[0]
    rows = [
        content.index(f'data-testid="unit-{slug}"')
        for slug in ("community-services", "oxon-bsw-mh", "bucks-mh", "specialised", "trust")
    ]
    assert rows == sorted(rows)


def test_nothing_is_owed_before_an_okrs_first_target_applies(secretary, today):
    # The year-one targets apply from April 2020: Q4 2019/20 owes nothing.
    old = okr_actions.ensure_period(parse_period_label("Q4 2019/20"))
    content = secretary.get(tracking_url(old)).content.decode()
    assert "so nothing is owed for it" in content
    assert 'data-testid="unit-trust"' not in content


def test_the_first_page_shows_the_open_period_due_soonest_that_owes_anything(
    secretary, period, today
):
    # On 18 October 2026 September 2026 is open and due sooner, but no OKR is
    # reported monthly; the quarter is.
    content = secretary.get(tracking_url()).content.decode()
    assert "<h1>Submissions for Q2 2026/27</h1>" in content
    assert f'<option value="{period.pk}" selected>Q2 2026/27 (open)</option>' in content


def test_the_period_selector_lists_every_period_newest_first_and_goes_to_the_choice(
    secretary, period, today
):
    content = secretary.get(tracking_url()).content.decode()
    quarterly = content[content.index('<optgroup label="Quarterly">') :].split("</optgroup>")[0]
    labels = ["Q2 2026/27", "Q2 2020/21", "Q2 2017/18"]
    positions = [quarterly.index(f">{label}") for label in labels]
    assert positions == sorted(positions)
    assert '<optgroup label="Monthly">' in content
    response = secretary.get(tracking_url(), {"period": period.pk})
    assert response.status_code == 302
    assert response["Location"] == tracking_url(period)


def test_a_period_without_owed_okrs_says_so(secretary, today):
    september = okr_actions.ensure_period(parse_period_label("September 2026"))
    content = secretary.get(tracking_url(september)).content.decode()
    assert "No OKR of the current strategy is reported monthly" in content


def test_an_unknown_period_is_not_found(secretary, today):
    assert secretary.get(reverse("okrs:tracking", kwargs={"period": 999999})).status_code == 404


# --- Bounded queries ----------------------------------------------------------------


def _add_monthly_okrs(count: int, start: int, period, units) -> None:
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    entries = []
    for number in range(start, start + count):
        key_result = add_active_okr(
            objective,
            f"tracked-{number}",
            statement=f"Tracked OKR {number}",
            frequency="monthly",
            target=90,
            target_from=datetime.date(2026, 4, 1),
        )
        # Half the units have entered something, so every kind of cell is drawn.
        entries += [
            okr_actions.ResultEntry(key_result, period, unit, Decimal(number))
            for unit in units[::2]
        ]
    okr_actions.record_results_as_system(entries=entries, reason="test")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_number_of_okrs(secretary, lead, today):
    october = okr_actions.ensure_period(parse_period_label("October 2026"))
    units = [unit for unit in OrganisationalUnit.objects.all() if unit.active_to is None]
    today(datetime.date(2026, 11, 10))
    url = tracking_url(october)
    _add_monthly_okrs(2, 0, october, units)
    with_two = _queries(secretary, url)
    _add_monthly_okrs(18, 2, october, units)
    with_twenty = _queries(secretary, url)
    content = secretary.get(url).content.decode()
    assert "20 OKRs from each of 5 units: 100 values" in content
    assert with_two == with_twenty
