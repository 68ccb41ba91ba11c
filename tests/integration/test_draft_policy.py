"""Who may read drafts (decision 8): the draft IPR and draft Board packs are for
the people who prepare the report — administrators, executives, board
secretaries and directorate leads. A viewer (a governor) reads published
editions only: never the draft's live figures, never a draft pack."""

import datetime

import pytest
from django.urls import reverse

from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from reporting.actions import publish_ipr
from tests.portal_world import finished_export

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
PUBLISHED, DRAFT_ONLY = "2020-09", "2020-08"
PREPARERS = [
    Role.TRUST_ADMINISTRATOR,
    Role.EXECUTIVE,
    Role.BOARD_SECRETARY,
    Role.DIRECTORATE_LEAD,
]
ALL_ROLES = pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)


@pytest.fixture
def secretary(users_by_role):
    return users_by_role[Role.BOARD_SECRETARY]


@pytest.fixture
def edition(secretary):
    return publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )


def reads_drafts(role) -> bool:
    return role in PREPARERS


@ALL_ROLES
def test_a_published_month_shows_its_edition_to_everyone(client, users_by_role, edition, role):
    client.force_login(users_by_role[role])
    response = client.get(reverse("reporting:ipr", args=[PUBLISHED]))
    assert response.status_code == 200
    assert b'data-testid="edition"' in response.content
    assert b'data-testid="draft"' not in response.content
    # The link to the live draft is offered only to those who may read it.
    assert (b"current draft</a>" in response.content) is reads_drafts(role)


@ALL_ROLES
def test_the_draft_of_a_published_month_is_for_preparers(client, users_by_role, edition, role):
    client.force_login(users_by_role[role])
    response = client.get(reverse("reporting:ipr", args=[PUBLISHED]), {"draft": "1"})
    if reads_drafts(role):
        assert response.status_code == 200 and b'data-testid="draft"' in response.content
    else:
        assert response.status_code == 403
        assert b'data-testid="draft"' not in response.content


@ALL_ROLES
def test_a_month_never_published_is_for_preparers(client, users_by_role, edition, role):
    client.force_login(users_by_role[role])
    response = client.get(reverse("reporting:ipr", args=[DRAFT_ONLY]))
    if reads_drafts(role):
        assert response.status_code == 200 and b'data-testid="draft"' in response.content
    else:
        assert response.status_code == 403
        content = response.content.decode()
        assert "The report for August 2020 has not been published yet" in content
        assert "Integrated Performance Report" in content
        assert 'href="/ipr/2020-09/"' in content  # the published one, to go to instead


def test_a_viewer_chooses_among_published_months_and_starts_at_the_latest(
    client, users_by_role, edition
):
    okr_actions.ensure_period(periods.month_span(2020, 8))  # a month with a draft only
    client.force_login(users_by_role[Role.EXECUTIVE])
    page = client.get(reverse("reporting:ipr", args=[PUBLISHED]))
    assert datetime.date(2020, 8, 1) in [month.starts_on for month in page.context["months"]]

    client.force_login(users_by_role[Role.VIEWER])
    response = client.get(reverse("reporting:ipr_latest"))
    assert response.status_code == 302 and response["Location"].endswith(f"/ipr/{PUBLISHED}/")
    page = client.get(response["Location"])
    assert [month.starts_on for month in page.context["months"]] == [SEPTEMBER]
    assert 'value="2020-08"' not in page.content.decode()


def test_before_anything_is_published_a_viewer_is_told_so(client, users_by_role):
    client.force_login(users_by_role[Role.VIEWER])
    response = client.get(reverse("reporting:ipr_latest"))
    assert response.status_code == 200
    assert "No edition of the report has been published yet" in response.content.decode()


@ALL_ROLES
def test_draft_packs_are_for_preparers_and_published_packs_for_everyone(
    client, users_by_role, secretary, edition, role
):
    published_export, published_file = finished_export(secretary, edition)
    draft_export, draft_file = finished_export(secretary, None)
    client.force_login(users_by_role[role])

    for export, stored, allowed in [
        (published_export, published_file, True),
        (draft_export, draft_file, reads_drafts(role)),
    ]:
        expected = 200 if allowed else 403
        download = client.get(reverse("reporting:download_pack_file", args=[stored.pk]))
        assert download.status_code == expected
        if allowed:
            assert b"".join(download.streaming_content) == b"a,b\r\n"
        progress = client.get(reverse("reporting:pack_export", args=[PUBLISHED, export.pk]))
        assert progress.status_code == expected
        status = client.get(reverse("reporting:pack_export_status", args=[PUBLISHED, export.pk]))
        assert status.status_code == expected


def test_only_draft_1_asks_for_the_draft(client, users_by_role):
    """'?draft=0' or '?draft=' is not a request for the draft: a viewer gets the
    published edition rather than a refusal."""
    publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=datetime.date(2020, 9, 1),
        reason="Published with items open for this example",
    )
    client.force_login(users_by_role[Role.VIEWER])
    url = reverse("reporting:ipr", kwargs={"month": "2020-09"})
    for query in ("?draft=0", "?draft=", "?draft=no"):
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert 'data-testid="edition"' in response.content.decode()
    assert client.get(url + "?draft=1").status_code == 403
