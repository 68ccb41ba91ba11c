"""Who may change a unit's results: the unit's directorate lead (while the window is
open, the planner adds) or anyone who corrects results (with a reason). One
permission, portal.change_unit_results, answers "either"; the two it joins still say
which."""

import pytest

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from tests.conftest import make_unit_lead

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    ("role", "may_change"),
    [
        (Role.TRUST_ADMINISTRATOR, True),
        (Role.BOARD_SECRETARY, True),
        (Role.EXECUTIVE, False),
        (Role.DIRECTORATE_LEAD, False),  # leads no unit
        (Role.VIEWER, False),
    ],
)
def test_correctors_may_change_any_unit_s_results_and_no_one_else_by_role(
    users_by_role, role, may_change
):
    user = users_by_role[role]
    for unit in OrganisationalUnit.objects.filter(slug__in=["bucks-mh", "oxon-bsw-mh"]):
        assert user.has_perm("portal.change_unit_results", unit) is may_change
        assert user.has_perm("portal.correct_results") is may_change
        assert not user.has_perm("portal.enter_results_for_unit", unit)


def test_a_lead_may_change_only_the_unit_they_lead(make_user):
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    oxon = OrganisationalUnit.objects.get(slug="oxon-bsw-mh")
    lead = make_unit_lead(make_user, bucks)
    assert lead.has_perm("portal.change_unit_results", bucks)
    assert lead.has_perm("portal.enter_results_for_unit", bucks)
    assert not lead.has_perm("portal.correct_results")
    assert not lead.has_perm("portal.change_unit_results", oxon)


def test_a_superuser_may_change_any_unit_s_results(make_user):
    admin = make_user("root", is_superuser=True)
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    assert admin.has_perm("portal.change_unit_results", bucks)
