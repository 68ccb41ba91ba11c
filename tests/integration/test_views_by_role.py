"""Every page × every role: allowed or refused, and nobody gets in without logging in."""

import pytest
from django.urls import reverse

from objectives.models import KeyFocusArea, StrategicObjective
from objectives.roles import Role
from okrs.models import KeyResult

pytestmark = pytest.mark.usefixtures("seeded")

ALL_ROLES = list(Role)


def strategy_pages():
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    return {
        "home": reverse("objectives:home"),
        "strategy history": reverse("objectives:strategy_history"),
        "past strategy": reverse("objectives:strategy", args=["business-plan-fy18"]),
        "objective": objective.get_absolute_url(),
        "focus area": KeyFocusArea.objects.filter(objective=objective).first().get_absolute_url(),
        "fy18 workstream": KeyFocusArea.objects.filter(programmes__isnull=False)
        .first()
        .get_absolute_url(),
        "okr": KeyResult.objects.get(code="quality-cccs-training").get_absolute_url(),
        "units": reverse("objectives:units"),
        "people": reverse("objectives:people"),
    }


PAGE_NAMES = [
    "home",
    "strategy history",
    "past strategy",
    "objective",
    "focus area",
    "fy18 workstream",
    "okr",
    "units",
    "people",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda role: role.value)
def test_every_role_reads_the_strategy(client, users_by_role, role, page):
    client.force_login(users_by_role[role])
    response = client.get(strategy_pages()[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_an_account_without_a_role_is_refused(client, make_user, page):
    client.force_login(make_user("no-role"))
    response = client.get(strategy_pages()[page])
    assert response.status_code == 403
    assert b"no role" in response.content


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    url = strategy_pages()[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.TRUST_ADMINISTRATOR, True),
        (Role.EXECUTIVE, False),
        (Role.DIRECTORATE_LEAD, False),
        (Role.BOARD_SECRETARY, False),
        (Role.VIEWER, False),
    ],
    ids=lambda value: getattr(value, "value", str(value)),
)
def test_only_administrators_reach_the_admin(client, make_user, role, allowed):
    user = make_user(f"admin-{role.value}", role, is_staff=role == Role.TRUST_ADMINISTRATOR)
    client.force_login(user)
    response = client.get(reverse("admin:okrs_keyresult_changelist"))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda role: role.value)
def test_navigation_fits_the_role(client, users_by_role, role):
    client.force_login(users_by_role[role])
    content = client.get(reverse("objectives:home")).content.decode()
    assert "Strategy history" in content
    assert ("Administration" in content) == (role == Role.TRUST_ADMINISTRATOR)
    uploaders = {Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.TRUST_ADMINISTRATOR}
    assert (">Upload<" in content) == (role in uploaders)
    assert role.label in content  # the header says who and in what role


def test_the_login_page_is_open_to_everyone(client):
    assert client.get(reverse("login")).status_code == 200


def test_a_missing_page_says_so(client, users_by_role):
    client.force_login(users_by_role[Role.VIEWER])
    response = client.get("/objectives/999999/")
    assert response.status_code == 404
