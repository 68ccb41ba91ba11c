"""The Trust administrator's pages for API clients (/manage/api-clients/): a client
is created for named units (or all), to read or to read and write, with a person
responsible and a reason; its key is shown once, on the answer to the form, and
kept only as a hash; the list says when each was last used; a client is revoked
with a reason, and its key is refused from the next call. Nobody else may."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.system_actor import system_actor
from api import actions, keys
from api.models import ApiClient
from objectives.models import OrganisationalUnit
from objectives.roles import Role

pytestmark = pytest.mark.usefixtures("seeded")
User = get_user_model()

LIST = "/manage/api-clients/"
NEW = "/manage/api-clients/new/"
KEY_WARNING = "Copy this key now: it will not be shown again"


@pytest.fixture(autouse=True)
def as_localhost(client):
    """Requests as a browser on the server would send them."""
    client.defaults["HTTP_HOST"] = "localhost"


@pytest.fixture
def administrator(make_user):
    return make_user(
        "trust-admin",
        Role.TRUST_ADMINISTRATOR,
        first_name="Tia",
        last_name="Admin",
        email="tia.admin@nhs.net",
    )


@pytest.fixture
def responsible(make_user):
    return make_user(
        "bi-lead", Role.VIEWER, first_name="Ravi", last_name="Owner", email="ravi.owner@nhs.net"
    )


def unit(slug: str) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


def form(responsible, /, **changes) -> dict:
    """A complete form: a read-and-write client for Bucks MH."""
    return {
        "name": "Warehouse loader",
        "purpose": "Loads Bucks MH's results from the data warehouse each night.",
        "responsible": str(responsible.pk),
        "units": [str(unit("bucks-mh").pk)],
        "access": "write",
        "reason": "Ticket 789: nightly load",
        **changes,
    }


def key_shown(response) -> str:
    """The key in the page's copyable field."""
    found = re.search(rb'value="([^"]+)"[^>]*data-testid="api-key"', response.content)
    assert found, "no key on the page"
    return found.group(1).decode()


def create(by, responsible, *, name="Warehouse loader", **fields) -> tuple[ApiClient, str]:
    return actions.create_client(
        by=by,
        name=name,
        purpose=fields.pop("purpose", "Reads results"),
        responsible=responsible,
        units=fields.pop("units", [unit("bucks-mh")]),
        all_units=fields.pop("all_units", False),
        can_write=fields.pop("can_write", False),
        reason=fields.pop("reason", "Ticket 1"),
    )


def api_get(key: str, path: str = "/api/v1/units/"):
    """A call from the client's own system: no session, only the key."""
    return Client(HTTP_HOST="localhost").get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def version_on(page) -> str:
    return re.search(rb'name="version" value="(\d+)"', page.content).group(1).decode()


# --- Who may ------------------------------------------------------------------------

PAGES = [
    ("get", LIST),
    ("get", NEW),
    ("post", NEW),
    ("get", "/manage/api-clients/{pk}/"),
    ("post", "/manage/api-clients/{pk}/revoke/"),
]


@pytest.mark.parametrize("method,url", PAGES)
@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.VIEWER, None]
)
def test_only_administrators_manage_clients(
    client, make_user, administrator, responsible, method, url, role
):
    existing, _ = create(administrator, responsible)
    client.force_login(make_user("asker", role))
    response = getattr(client, method)(
        url.format(pk=existing.pk), {**form(responsible, name="Other"), "version": "1"}
    )
    assert response.status_code == 403
    assert list(ApiClient.objects.values_list("name", "revoked_at")) == [("Warehouse loader", None)]


@pytest.mark.parametrize("method,url", PAGES)
def test_anyone_logged_out_is_sent_to_log_in(client, administrator, responsible, method, url):
    existing, _ = create(administrator, responsible)
    response = getattr(client, method)(url.format(pk=existing.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [LIST, NEW, "/manage/api-clients/{pk}/"])
def test_administrators_and_superusers_open_the_pages(
    client, administrator, responsible, make_user, url
):
    existing, _ = create(administrator, responsible)
    for user in (administrator, make_user("root", is_superuser=True)):
        client.force_login(user)
        assert client.get(url.format(pk=existing.pk)).status_code == 200


def test_revoking_takes_a_post_only(client, administrator, responsible):
    existing, _ = create(administrator, responsible)
    client.force_login(administrator)
    assert client.get(f"/manage/api-clients/{existing.pk}/revoke/").status_code == 405
    existing.refresh_from_db()
    assert not existing.is_revoked


@pytest.mark.parametrize(
    "url",
    [
        "/manage/api-clients/999999/",
        "/manage/api-clients/999999/revoke/",
        "/manage/api-clients/99999999999999999999/",
        "/manage/api-clients/abc/",
        "/manage/api-clients/-1/",
    ],
)
def test_a_client_that_is_not_there_is_not_found(client, administrator, url):
    client.force_login(administrator)
    if url.endswith("/revoke/"):
        response = client.post(url, {"reason": "x", "version": "1"})
    else:
        response = client.get(url)
    assert response.status_code == 404


def test_the_menu_offers_api_clients_to_administrators_only(client, administrator, make_user):
    client.force_login(administrator)
    assert b'href="/manage/api-clients/"' in client.get("/").content
    client.force_login(make_user("secretary", Role.BOARD_SECRETARY))
    assert b'href="/manage/api-clients/"' not in client.get("/").content


# --- Creating: the key shown once ----------------------------------------------------


def test_creating_shows_the_key_once_and_keeps_only_its_hash(
    client, administrator, responsible, caplog
):
    client.force_login(administrator)
    caplog.set_level(logging.DEBUG)
    response = client.post(NEW, form(responsible))

    # The answer to the form itself, not a redirect to a page that could show it again,
    # and kept by no cache.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert KEY_WARNING in page
    assert "Authorization: Bearer &lt;key&gt;" in page
    assert 'href="/api/v1/docs/"' in page
    assert f'href="{LIST}"' in page
    key = key_shown(response)
    prefix, _, secret = key.partition(".")
    assert len(prefix) == 8 and len(secret) == 32

    made = ApiClient.objects.get()
    assert made.name == "Warehouse loader"
    assert made.can_write and not made.all_units
    assert list(made.units.values_list("slug", flat=True)) == ["bucks-mh"]
    assert made.responsible == responsible and made.created_by == administrator
    assert made.prefix == prefix
    assert secret not in made.hashed_key and made.hashed_key != key
    assert keys.key_matches(key, made.hashed_key)
    assert not keys.key_matches(key[:-1] + ("A" if key[-1] != "A" else "B"), made.hashed_key)

    # Never again: not on the list, the client's page, the audit log, its history or
    # any log line.
    for address in (LIST, f"/manage/api-clients/{made.pk}/", "/audit/"):
        later = client.get(address)
        assert later.status_code == 200
        assert secret.encode() not in later.content, address
        assert KEY_WARNING.encode() not in later.content, address
    for row in made.history.values():
        assert not any(secret in str(value) for value in row.values())
    assert secret not in caplog.text
    assert "api_client_created" in caplog.text  # the security log did say it happened


def test_the_key_works_until_the_client_is_revoked_on_its_page(client, administrator, responsible):
    client.force_login(administrator)
    key = key_shown(client.post(NEW, form(responsible, access="read")))
    made = ApiClient.objects.get()

    answer = api_get(key)
    assert answer.status_code == 200
    assert "bucks-mh" in answer.content.decode()
    assert api_get(key + "x").status_code == 401

    page = client.get(f"/manage/api-clients/{made.pk}/")
    assert b"Revoke the client" in page.content
    response = client.post(
        f"/manage/api-clients/{made.pk}/revoke/",
        {"version": version_on(page), "reason": "Warehouse replaced"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/manage/api-clients/{made.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "Warehouse loader revoked: its key is refused from now on." in shown
    assert "Revoke the client" not in shown  # revoked is final
    assert "revoked by Tia Admin: “Warehouse replaced”" in shown
    assert "created by Tia Admin: “Ticket 789: nightly load”" in shown

    assert api_get(key).status_code == 401  # at once
    made.refresh_from_db()
    assert made.revoked_by == administrator and not made.account.is_active


def test_the_list_says_what_each_client_may_do_and_when_it_was_last_used(
    client, administrator, responsible
):
    reader, reader_key = create(
        administrator,
        responsible,
        name="BI tool",
        units=[unit("bucks-mh"), unit("specialised")],
    )
    create(administrator, responsible, name="Warehouse loader", all_units=True, can_write=True)
    gone, _ = create(administrator, responsible, name="Old loader")
    actions.revoke_client(by=administrator, client=gone, reason="Replaced", seen_version=1)
    client.force_login(administrator)

    rows = rows_of(client.get(LIST))
    assert rows["BI tool"] == [
        "BI tool",
        "Read only",
        "Bucks MH, Specialised",
        "Ravi Owner",
        rows["BI tool"][4],
        "Never",
        "Active",
    ]
    assert rows["BI tool"][4].endswith("by Tia Admin")
    assert rows["Warehouse loader"][1:3] == ["Read and write", "All units"]
    assert rows["Old loader"][6].startswith("Revoked on ")
    assert rows["Old loader"][6].endswith("by Tia Admin")
    # Live ones first, then by name.
    assert list(rows) == ["BI tool", "Warehouse loader", "Old loader"]

    assert api_get(reader_key).status_code == 200
    rows = rows_of(client.get(LIST))
    assert rows["BI tool"][5] != "Never"
    reader.refresh_from_db()
    used = timezone.localtime(reader.last_used_at)
    assert rows["BI tool"][5] == f"{used.day} {used:%b %Y, %H:%M}"


def rows_of(response) -> dict[str, list[str]]:
    """The list's rows as text, cell by cell (without the headings phones show)."""
    table = re.search(r'data-testid="api-clients">(.*?)</table>', response.content.decode(), re.S)
    assert table, "no table of clients"
    rows = {}
    for row in re.findall(
        r"<tr role=\"row\" class=\"nhsuk-table__row\">(.*?)</tr>", table[1], re.S
    ):
        cells = []
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S):
            cell = re.sub(r'<span class="nhsuk-table-responsive__heading".*?</span>', "", cell)
            cells.append(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
        rows[cells[0]] = cells
    return rows


def test_the_responsible_person_is_chosen_from_people_with_active_accounts(
    client, administrator, responsible, make_user
):
    make_user("gone", Role.VIEWER, first_name="Gwen", last_name="Gone", is_active=False)
    other, _ = create(administrator, responsible, name="BI tool")
    system = system_actor()
    client.force_login(administrator)
    page = client.get(NEW).content.decode()
    choices = re.search(r'<select name="responsible".*?</select>', page, re.S).group(0)
    assert "Ravi Owner (ravi.owner@nhs.net)" in choices
    assert "Tia Admin (tia.admin@nhs.net)" in choices
    assert "Gwen Gone" not in choices
    assert f'value="{other.account.pk}"' not in choices
    assert f'value="{system.pk}"' not in choices

    # Sent anyway: refused, beside the field.
    for account in (other.account, system):
        response = client.post(NEW, form(responsible, responsible=str(account.pk)))
        assert response.status_code == 200
        assert "Choose a person from the list" in response.content.decode()
    assert ApiClient.objects.count() == 1


# --- Creating: what is refused ----------------------------------------------------------


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"name": ""}, "name", "Enter a name for the client"),
        ({"name": "   "}, "name", "Enter a name for the client"),
        ({"name": "x" * 81}, "name", "Enter 80 characters or fewer"),
        ({"purpose": ""}, "purpose", "Say what the client is for"),
        ({"purpose": "x" * 2001}, "purpose", "Enter 2,000 characters or fewer"),
        ({"responsible": ""}, "responsible", "Choose the person responsible for the client"),
        ({"responsible": "99999"}, "responsible", "Choose a person from the list"),
        ({"units": []}, "units", "Choose the units the client is for, or all units"),
        ({"units": ["99999"]}, "units", "Choose units from the list"),
        ({"access": ""}, "access", "Choose what the client may do"),
        ({"access": "admin"}, "access", "Choose what the client may do"),
        ({"reason": ""}, "reason", "Give a reason for this change"),
        ({"reason": "x" * 2001}, "reason", "Enter 2,000 characters or fewer"),
    ],
)
def test_a_form_with_a_problem_says_so_beside_the_field_and_makes_nothing(
    client, administrator, responsible, changes, field, message
):
    client.force_login(administrator)
    response = client.post(NEW, form(responsible, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Error: Create an API client" in page
    # In the summary, linking to the field, and beside it.
    assert re.search(rf'<a href="#id_{field}(_0)?">{re.escape(message)}</a>', page), page
    assert f'id="id_{field}_error"' in page
    assert KEY_WARNING not in page
    assert not ApiClient.objects.exists()
    # What was typed elsewhere is kept.
    if field != "reason":
        assert "Ticket 789: nightly load" in page


def test_all_units_needs_no_unit_ticked(client, administrator, responsible):
    client.force_login(administrator)
    response = client.post(NEW, form(responsible, units=[], all_units="on"))
    assert KEY_WARNING in response.content.decode()
    made = ApiClient.objects.get()
    assert made.all_units and not made.units.exists()


def test_a_name_already_used_is_refused_whatever_its_case(client, administrator, responsible):
    create(administrator, responsible, name="Warehouse loader")
    client.force_login(administrator)
    response = client.post(NEW, form(responsible, name="  WAREHOUSE Loader "))
    assert response.status_code == 200
    assert "There is already a client called WAREHOUSE Loader" in response.content.decode()
    assert ApiClient.objects.count() == 1


# --- Revoking: what is refused ----------------------------------------------------------


def test_a_revocation_needs_a_reason(client, administrator, responsible):
    made, key = create(administrator, responsible)
    client.force_login(administrator)
    response = client.post(
        f"/manage/api-clients/{made.pk}/revoke/", {"version": "1", "reason": "  "}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Warehouse loader" in page
    assert '<a href="#id_reason">Give a reason for this change</a>' in page
    made.refresh_from_db()
    assert not made.is_revoked
    assert api_get(key).status_code == 200


def test_a_stale_page_is_refused_and_changes_nothing(client, administrator, responsible, make_user):
    made, _ = create(administrator, responsible)
    client.force_login(administrator)
    page = client.get(f"/manage/api-clients/{made.pk}/")  # opened while it is live
    other = make_user("other-admin", Role.TRUST_ADMINISTRATOR, first_name="Oli", last_name="Other")
    actions.revoke_client(by=other, client=made, reason="Contract ended", seen_version=1)

    response = client.post(
        f"/manage/api-clients/{made.pk}/revoke/",
        {"version": version_on(page), "reason": "Warehouse replaced"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/manage/api-clients/{made.pk}/", 302)]
    shown = response.content.decode()
    assert "Oli Other changed this client while you were editing." in shown
    assert "revoked by Oli Other: “Contract ended”" in shown
    assert "Warehouse replaced" not in shown
    made.refresh_from_db()
    assert made.revoked_by == other and made.version == 2
    assert made.history.filter(history_change_reason="Warehouse replaced").count() == 0


def test_a_revocation_without_the_version_is_taken_as_stale(client, administrator, responsible):
    made, _ = create(administrator, responsible)
    client.force_login(administrator)
    for version in ("", "0", "x", "99"):
        response = client.post(
            f"/manage/api-clients/{made.pk}/revoke/", {"version": version, "reason": "Gone"}
        )
        assert response.status_code in (200, 302)
        made.refresh_from_db()
        assert not made.is_revoked, version


# --- The audit log and the list's cost ----------------------------------------------------


def test_the_audit_log_shows_who_created_the_client_and_why(client, administrator, responsible):
    client.force_login(administrator)
    client.post(NEW, form(responsible))
    page = client.get("/audit/", {"person": administrator.pk}).content.decode()
    assert "API client Warehouse loader" in page
    assert "Ticket 789: nightly load" in page
    assert "Tia Admin" in page


def test_the_list_costs_a_fixed_number_of_queries(
    client, administrator, responsible, django_assert_max_num_queries
):
    client.force_login(administrator)
    with django_assert_max_num_queries(100) as empty:
        assert b"No API clients yet." in client.get(LIST).content
    baseline = len(empty.captured_queries)

    for number in range(30):
        made, _ = create(
            administrator,
            responsible,
            name=f"Client {number:02}",
            units=[unit("bucks-mh"), unit("specialised"), unit("community-services")],
            can_write=number % 2 == 0,
        )
        if number % 5 == 0:
            actions.revoke_client(by=administrator, client=made, reason="Done", seen_version=1)

    # The empty list only counts the clients. Thirty add two queries, however many
    # there are: the clients, with the people they name joined in, and all their units.
    with django_assert_max_num_queries(baseline + 2):
        page = client.get(LIST)
    assert page.status_code == 200
    assert len(rows_of(page)) == 30


# --- Malformed input ----------------------------------------------------------------------

NASTY = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "\u202eevil",
    "😀\u0301" * 20,
    "\r\n\r\n",
    "99999999999999999999",
    "-1",
    "２",
    "",
]


# Empty once cleaned (a NUL is removed, line breaks trimmed), or too long.
REFUSED_TEXT = {"\x00", "x" * 100_000, "\r\n\r\n", ""}


@pytest.mark.parametrize(
    "field", ["name", "purpose", "responsible", "units", "all_units", "access", "reason"]
)
def test_the_form_copes_with_malformed_values(client, administrator, responsible, field):
    """Never a server error; a NUL is never stored; text is refused only when it is
    empty once cleaned or too long, a choice whenever it is not one offered."""
    client.force_login(administrator)
    for number, value in enumerate(NASTY):
        before = ApiClient.objects.count()
        data = form(responsible, name=f"Client {number}")
        data[field] = value
        response = client.post(NEW, data)
        assert response.status_code == 200, (field, value)
        made = ApiClient.objects.count() - before
        if field in ("name", "purpose", "reason"):
            assert made == (0 if value in REFUSED_TEXT else 1), (field, value)
        elif field == "all_units":
            assert made == 1, value  # ticked or not, Bucks MH is
        else:
            assert made == 0, (field, value)
    for made in ApiClient.objects.all():
        assert "\x00" not in made.name + made.purpose
    for row in ApiClient.history.values_list("history_change_reason", "name", "purpose"):
        assert not any("\x00" in text for text in row)
