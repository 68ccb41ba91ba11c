"""What the pages show, and that their query counts do not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def executive_client(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    return client


def quality():
    return StrategicObjective.objects.get(strategy__is_current=True, number=1)


def test_strategy_at_a_glance(executive_client):
    content = executive_client.get(reverse("objectives:home")).content.decode()
    assert "Outstanding care by an outstanding team" in content
    assert "Working together to deliver the best for communities" in content
    for text in ["Caring", "Safe", "Excellent", "Show respect", "Take pride"]:
        assert text in content
    for title in ["Be a great place to work", "Become a leader in healthcare research"]:
        assert title in content
    assert "Quality &amp; Safety Committee" in content
    assert "Chief Nurse: Marie Crofts" in content
    # Nobody is recorded as Medical Director: the gap shows.
    assert 'Medical Director <strong class="nhsuk-tag nhsuk-tag--grey">No holder recorded' in (
        content
    )


def test_objective_page_shows_governance_focus_areas_and_latest_values(executive_client):
    content = executive_client.get(quality().get_absolute_url()).content.decode()
    assert (
        "<title>Quality – Deliver the best possible care and health outcomes – Strategy Portal"
        in content
    )
    assert "Key focus areas (11)" in content
    assert "Minimise avoidable harm to patients and reduce restrictive practice" in content
    assert "We will achieve 95% compliance in CCCS training" in content
    # Latest values per unit, from the seeded table (no demo data in this test).
    assert "97.0%" in content and "Q2 2020/21" in content
    assert "Specialised" in content


def test_objective_page_shows_the_overall_rag_the_trust_recorded(executive_client):
    content = executive_client.get(quality().get_absolute_url()).content.decode()
    section = content[content.index("Overall RAG ratings recorded") :]
    words = [word for word in ("Red", "Green", "Amber") if f">{word}</strong>" in section]
    assert sorted(words) == ["Amber", "Green", "Red"]
    assert section.index("Community Services") < section.index("Trust</th>")


def test_derived_focus_areas_are_marked(executive_client):
    derived = KeyFocusArea.objects.filter(provenance="derived").first()
    content = executive_client.get(derived.get_absolute_url()).content.decode()
    assert "Derived, to confirm" in content
    assert derived.source_text.split("\n\n")[0][:60] in content


def test_fy18_workstream_shows_rag_word_and_the_original(executive_client):
    focus_area = KeyFocusArea.objects.get(
        title="Deliver patient involvement and experience strategy (trust-wide)"
    )
    content = executive_client.get(focus_area.get_absolute_url()).content.decode()
    assert ">Amber</strong>" in content
    assert "written as ‘Yellow’" in content


def test_okr_page_has_definition_chart_and_table(executive_client):
    key_result = KeyResult.objects.get(code="quality-cccs-training")
    response = executive_client.get(key_result.get_absolute_url())
    content = response.content.decode()
    assert "Higher is better" in content
    assert "95% from 1 Apr 2020" in content
    assert 'id="okr-chart-data"' in content
    assert "Bucks MH" in content and "92.0%" in content
    assert "No owner recorded" in content
    # Charts need plotly's inline styles; only chart pages relax the policy.
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    home = executive_client.get(reverse("objectives:home"))
    assert "'unsafe-inline'" not in home["Content-Security-Policy"]


def _add_okrs_with_history(prefix: str, count: int, months: int) -> None:
    """More OKRs, each with results for every unit, to prove queries do not grow."""
    objective = quality()
    units = [unit for unit in OrganisationalUnit.objects.all() if unit.active_to is None]
    spans = []
    span = periods.parse_period_label("April 2020")
    for _ in range(months):
        spans.append(okr_actions.ensure_period(span))
        span = periods.next_span(span)
    entries = []
    for number in range(count):
        key_result = add_active_okr(
            objective,
            f"{prefix}-{number}",
            statement=f"{prefix} {number}",
            frequency="monthly",
            target=90,
            target_from=datetime.date(2020, 4, 1),
            focus_area=objective.focus_areas.first(),
        )
        entries += [
            okr_actions.ResultEntry(key_result, period, unit, Decimal(number))
            for period in spans
            for unit in units
        ]
    okr_actions.record_results_as_system(entries=entries, reason="test")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _page_url(page: str, prefix: str) -> str:
    objective = quality()
    if page == "okr":
        return KeyResult.objects.get(code=f"{prefix}-0").get_absolute_url()
    return {
        "home": reverse("objectives:home"),
        "objective": objective.get_absolute_url(),
        "focus area": objective.focus_areas.first().get_absolute_url(),
        "units": reverse("objectives:units"),
        "people": reverse("objectives:people"),
        "history": reverse("objectives:strategy_history"),
    }[page]


@pytest.mark.parametrize(
    "page", ["home", "objective", "focus area", "okr", "units", "people", "history"]
)
def test_query_counts_do_not_grow_with_the_data(executive_client, page):
    _add_okrs_with_history("small", count=2, months=3)
    small = _queries(executive_client, _page_url(page, "small"))
    _add_okrs_with_history("large", count=12, months=36)
    large = _queries(executive_client, _page_url(page, "large"))
    assert large == small, f"{page}: {small} queries with little data, {large} with more"
