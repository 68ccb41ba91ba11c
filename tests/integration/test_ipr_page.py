import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole, OrganisationalUnit, StrategicObjective
from objectives.roles import Role, group_name
from okrs import actions as okr_actions
from okrs import periods
from reporting.actions import publish_ipr
from tests.conftest import add_active_okr

pytestmark = pytest.mark.usefixtures("seeded")
URL = reverse("reporting:ipr", kwargs={"month": "2020-09"})


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_role_reads_the_published_ipr(client, users_by_role, role):
    """Viewers read published editions only; drafts: test_draft_policy.py."""
    publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=datetime.date(2020, 9, 1),
        reason="Published with items open for this example",
    )
    client.force_login(users_by_role[role])
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Integrated Performance Report" in content and "September 2020 data" in content


def test_anonymous_and_roleless_users_cannot(client, make_user):
    assert client.get(URL).status_code == 302
    client.force_login(make_user("nobody"))
    assert client.get(URL).status_code == 403


def test_the_quality_section_reads_like_the_slide(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    content = client.get(URL).content.decode()
    section = content[content.index('id="objective-1"') :]
    assert "Quality &amp; Safety Committee" in section
    assert "Chief Nurse: Marie Crofts" in section
    overall = section[section.index("Overall rating by unit") :]
    for unit, word in [
        ("Community Services", "Red"),
        ("Oxon &amp; BSW MH", "Green"),
        ("Bucks MH", "Amber"),
        ("Specialised", "Green"),
        ("Trust", "Amber"),
    ]:
        row = overall[overall.index(f">{unit}</dt>") :]
        assert row.index(f">{word}</strong>") < row.index("</div>"), unit
    assert "Marie Crofts, Chief Nurse — signed off by Marie Crofts on 12 November 2020" in section


def test_the_latest_month_is_the_default(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(reverse("reporting:ipr_latest"))
    assert response.status_code == 302 and response["Location"].endswith("/ipr/2020-09/")


def test_the_ipr_does_a_fixed_number_of_queries_whatever_the_data(client, make_user):
    """Read by a real executive: a person holding the role that directs the
    objectives, who also leads a directorate (a user with no person once hid a
    query per objective in the 'may write here' check)."""
    director = ExecutiveRole.objects.get(slug="medical-director")
    user = make_user("exec-lead", Role.EXECUTIVE)
    user.groups.add(Group.objects.get(name=group_name(Role.DIRECTORATE_LEAD)))
    person = strategy_actions.create_person(
        by=None, slug="exec-lead", full_name="Exa Lead", user=user, reason="test"
    )
    strategy_actions.assign_role(by=None, role=director, person=person, reason="test")
    strategy_actions.set_units_led(
        by=None, person=person, units=OrganisationalUnit.objects.filter(slug="bucks-mh"), reason="t"
    )
    strategy = StrategicObjective.objects.get(strategy__is_current=True, number=1).strategy
    client.force_login(user)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    before = count()
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=2)
    units = [unit for unit in OrganisationalUnit.objects.all() if unit.active_to is None]
    span = periods.parse_period_label("April 2019")
    months = []
    for _ in range(18):
        months.append(okr_actions.ensure_period(span))
        span = periods.next_span(span)
    entries = []
    for number in range(6):
        key_result = add_active_okr(
            objective,
            f"people-{number}",
            statement=f"People measure {number}",
            frequency="monthly",
            target=80,
            target_from=datetime.date(2019, 4, 1),
        )
        entries += [
            okr_actions.ResultEntry(key_result, month, unit, Decimal(70 + index % 7))
            for index, month in enumerate(months)
            for unit in units
            if unit.is_active_on(month.starts_on)
        ]
    okr_actions.record_results_as_system(entries=entries, reason="test")
    for number in range(5, 9):
        more = strategy_actions.add_objective(
            by=None,
            strategy=strategy,
            number=number,
            short_name=f"Objective {number}",
            title=f"Objective {number}",
            reason="test",
        )
        strategy_actions.set_objective_leads(
            by=None, objective=more, lead_roles=[director], reason="test"
        )
    after = count()
    assert after == before
    # The same page again, nothing changed: the report and its body are kept.
    assert count() <= 12
