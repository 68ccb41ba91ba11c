"""An account without a role (someone's first single sign-on, or an account not yet
given one) sees one plain page wherever it goes: you do not have access yet, whom to
ask, and a way to log out; never any of the portal's data."""

import pytest
from django.urls import reverse

from objectives.models import StrategicObjective
from tests.integration.test_url_role_matrix import ROWS
from tests.portal_world import NO_ROLE, build_world

pytestmark = pytest.mark.usefixtures("seeded")

REFUSED = [row for row in ROWS if row.get[NO_ROLE] == 403]
# The API answers with a problem (JSON), not a page: tests/integration/test_api_reads.py.
REFUSED_PAGES = [row for row in REFUSED if not row.pattern.startswith("api/")]
REFUSED_API = [row for row in REFUSED if row.pattern.startswith("api/")]


@pytest.fixture
def world(make_user):
    return build_world(make_user)


def assert_no_access_page(content: str, contact: str) -> None:
    assert "You do not have access yet" in content
    assert "your account has no role in the Strategy Portal yet" in content
    assert f"Contact {contact}" in content
    assert 'action="/accounts/logout/"' in content


def test_every_page_refuses_an_account_without_a_role_with_the_no_access_page(
    client, world, settings, subtests
):
    settings.ACCOUNT_HELP_CONTACT = "the Strategy Unit (strategy@example.nhs.uk)"
    client.force_login(world.users[NO_ROLE])
    client.raise_request_exception = False
    objectives = list(
        StrategicObjective.objects.filter(strategy__is_current=True).values_list("title", flat=True)
    )
    assert len(REFUSED_PAGES) > 40
    for row in REFUSED_PAGES:
        with subtests.test(page=row.case):
            address = row.url(world)
            response = client.get(address)
            assert response.status_code == 403, address
            content = response.content.decode()
            assert_no_access_page(content, "the Strategy Unit (strategy@example.nhs.uk)")
            assert not any(title in content for title in objectives), address


def test_the_api_refuses_an_account_without_a_role_with_a_problem(client, world, subtests):
    client.force_login(world.users[NO_ROLE])
    client.raise_request_exception = False
    assert len(REFUSED_API) > 10
    for row in REFUSED_API:
        with subtests.test(call=row.case):
            response = client.get(row.url(world))
            assert response.status_code == 403
            assert response.json()["detail"] == "You do not have access to the portal’s data."


def test_logging_in_without_a_role_lands_on_the_no_access_page(client, make_user):
    make_user("new-starter", first_name="Nina", last_name="New", email="nina@nhs.net")
    response = client.post(
        reverse("login"),
        {"username": "new-starter", "password": "correct horse battery", "next": "/units/"},
    )
    assert response["Location"] == reverse("no_access")
    page = client.get(reverse("no_access"))
    assert page.status_code == 200
    content = page.content.decode()
    assert_no_access_page(content, "the Trust’s IT service desk")
    assert "You are logged in as Nina New (nina@nhs.net)" in content


def test_someone_with_a_role_is_sent_on_from_the_no_access_page(client, world):
    client.force_login(world.users["viewer"])
    assert client.get(reverse("no_access"))["Location"] == reverse("dashboard:home")


def test_a_role_that_does_not_include_a_page_is_told_so_not_sent_to_ask_for_access(client, world):
    client.force_login(world.users["viewer"])
    content = client.get(reverse("okrs:audit_log")).content.decode()
    assert "Your role (Viewer) does not include this page." in content
    assert "You do not have access yet" not in content
