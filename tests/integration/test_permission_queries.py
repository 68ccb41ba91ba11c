"""What asking a permission costs: the portal's permissions are answered by the
rules predicates from facts read once per request, never by Django's model
permission tables, and a person's facts take one query however many they have."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole, OrganisationalUnit, StrategicObjective
from objectives.roles import Role, group_name

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def executive_lead(make_user):
    """An executive who directs the Quality objective (from a role held since 2019,
    and an ended one that no longer counts), leads Bucks and drafts for People."""
    user = make_user("exec-lead", Role.EXECUTIVE)
    user.groups.add(Group.objects.get(name=group_name(Role.DIRECTORATE_LEAD)))
    person = strategy_actions.create_person(
        by=None, slug="exec-lead", full_name="Exa Lead", user=user, reason="test"
    )
    quality = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    strategy_actions.assign_role(
        by=None,
        role=quality.lead_roles.first(),
        person=person,
        starts_on=datetime.date(2019, 4, 1),
        reason="test",
    )
    strategy_actions.assign_role(
        by=None,
        role=ExecutiveRole.objects.exclude(pk=quality.lead_roles.first().pk).first(),
        person=person,
        starts_on=datetime.date(2019, 4, 1),
        ends_on=datetime.date(2020, 3, 31),
        reason="test",
    )
    strategy_actions.set_units_led(
        by=None,
        person=person,
        units=OrganisationalUnit.objects.filter(slug="bucks-mh"),
        reason="test",
    )
    people = StrategicObjective.objects.get(strategy__is_current=True, number=2)
    people.narrative_delegates.add(person)
    return user


def test_a_portal_permission_the_rules_refuse_costs_no_model_permission_query(make_user):
    viewer = make_user("viewer-only", Role.VIEWER)
    viewer.has_perm("portal.view_strategy")  # reads the groups, once
    with CaptureQueriesContext(connection) as queries:
        assert not viewer.has_perm("portal.publish_ipr")
        assert not viewer.has_perm("portal.export_pack")
    assert len(queries) == 0


def test_the_admin_s_model_permissions_still_come_from_django(make_user):
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_strategy"))
    assert clerk.has_perm("objectives.view_strategy")
    assert not clerk.has_perm("objectives.change_strategy")


def test_a_person_s_units_roles_and_delegations_are_read_in_one_query(executive_lead):
    objectives = list(
        StrategicObjective.objects.filter(strategy__is_current=True).prefetch_related("lead_roles")
    )
    bucks, oxon = (
        OrganisationalUnit.objects.get(slug="bucks-mh"),
        OrganisationalUnit.objects.get(slug="oxon-bsw-mh"),
    )
    executive_lead.has_perm("portal.view_strategy")  # reads the groups, once
    with CaptureQueriesContext(connection) as queries:
        may_write = {
            o.number for o in objectives if executive_lead.has_perm("portal.write_narrative", o)
        }
        may_sign = {
            o.number for o in objectives if executive_lead.has_perm("portal.sign_narrative", o)
        }
        leads = [executive_lead.has_perm("portal.enter_results_for_unit", u) for u in (bucks, oxon)]
    # Quality: directs it (the role held today); People: drafts for it; the ended
    # role directs nothing any more.
    assert may_write == {1, 2} and may_sign == {1}
    assert leads == [True, False]
    assert len(queries) == 1
