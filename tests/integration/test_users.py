"""Users and roles in the portal (/manage/users/): a Trust administrator invites
people, gives and takes away roles, units, executive posts and delegations, and
deactivates accounts, each with a reason, audited (who, when, before, after, why).
Nobody else may; nobody can lock the Trust out; a stale page is refused."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from objectives.audit import EditConflict
from objectives.models import (
    ExecutiveRole,
    OrganisationalUnit,
    Person,
    RoleAssignment,
    StrategicObjective,
    Strategy,
)
from objectives.roles import Role
from okrs.selectors.audit_log import AuditFilters, audit_page
from users import actions, selectors
from users.access import Access

pytestmark = pytest.mark.usefixtures("seeded")
User = get_user_model()
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def administrator(make_user):
    return make_user("trust-admin", Role.TRUST_ADMINISTRATOR, first_name="Tia", last_name="Admin")


def unit(slug: str) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


def post(slug: str) -> ExecutiveRole:
    return ExecutiveRole.objects.get(slug=slug)


def invite(by, email="nia.newlead@nhs.net", **access):
    return actions.invite_user(
        by=by,
        first_name="Nia",
        last_name="Newlead",
        email=email,
        access=Access(**access),
        reason="Ticket 123",
        today=TODAY,
    )


def signs_in(client, username: str, password: str) -> bool:
    """Whether the login page lets them in (it answers a refusal on itself)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def state_of(user) -> str:
    user = User.objects.get(pk=user.pk)
    return actions.current_state(user, selectors.current_access(user, today=TODAY))


def change(by, user, *, reason="Ticket 456", seen_state=None, **access):
    user = User.objects.get(pk=user.pk)
    actions.change_access(
        by=by,
        user=user,
        # Accounts made by `make_user` have no names: the form asks for them.
        first_name=user.first_name or "Test",
        last_name=user.last_name or "Person",
        email=user.email or f"{user.username}@nhs.net",
        access=Access(**access),
        reason=reason,
        seen_state=seen_state if seen_state is not None else state_of(user),
        today=TODAY,
    )


# --- Who may ------------------------------------------------------------------------


PAGES = [
    ("get", "/manage/users/"),
    ("get", "/manage/users/invite/"),
    ("post", "/manage/users/invite/"),
    ("get", "/manage/users/{pk}/"),
    ("post", "/manage/users/{pk}/"),
    ("get", "/manage/users/{pk}/deactivate/"),
    ("post", "/manage/users/{pk}/deactivate/"),
    ("post", "/manage/users/{pk}/invite-again/"),
]


@pytest.mark.parametrize("method,url", PAGES)
@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.VIEWER, None]
)
def test_only_administrators_manage_users(client, make_user, method, url, role):
    someone = make_user("someone-else", Role.VIEWER)
    client.force_login(make_user("asker", role))
    response = getattr(client, method)(url.format(pk=someone.pk), {"reason": "x"})
    assert response.status_code == 403
    assert list(someone.groups.values_list("name", flat=True)) == ["Viewer"]
    assert someone.is_active


@pytest.mark.parametrize("method,url", PAGES)
def test_anyone_signed_out_is_sent_to_sign_in(client, make_user, method, url):
    someone = make_user("someone-else", Role.VIEWER)
    response = getattr(client, method)(url.format(pk=someone.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/manage/users/", "/manage/users/invite/"])
def test_administrators_and_superusers_open_the_pages(client, administrator, make_user, url):
    for user in (administrator, make_user("root", is_superuser=True)):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_menu_offers_users_to_administrators_only(client, administrator, make_user):
    client.force_login(administrator)
    assert b'href="/manage/users/"' in client.get("/").content
    client.force_login(make_user("secretary", Role.BOARD_SECRETARY))
    assert b'href="/manage/users/"' not in client.get("/").content


def test_the_actions_refuse_anyone_but_an_administrator(make_user):
    executive = make_user("exec", Role.EXECUTIVE)
    with pytest.raises(PermissionDenied):
        invite(executive, roles={Role.VIEWER.value})
    assert not User.objects.filter(email="nia.newlead@nhs.net").exists()


# --- Inviting -----------------------------------------------------------------------


def test_an_invitation_makes_the_account_with_what_it_may_do_and_records_it(administrator):
    quality = StrategicObjective.objects.filter(strategy__is_current=True).order_by("number")[0]
    user = invite(
        administrator,
        email="Nia.Newlead@NHS.net",
        roles={Role.DIRECTORATE_LEAD.value, Role.EXECUTIVE.value},
        units={unit("bucks-mh").pk},
        posts={post("chief-nurse").pk},
        narratives={quality.pk},
        drafts_summary=True,
    )
    user.refresh_from_db()
    assert user.username == user.email == "nia.newlead@nhs.net"
    assert not user.has_usable_password()  # until they choose one from the e-mail
    assert user.is_active and not user.is_staff and user.last_login is None
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "Directorate lead",
        "Executive",
    ]
    person = user.person
    assert person.full_name == "Nia Newlead"
    assert list(person.lead_for_units.values_list("slug", flat=True)) == ["bucks-mh"]
    held = RoleAssignment.objects.get(person=person)
    assert (held.role.slug, held.starts_on, held.ends_on) == ("chief-nurse", TODAY, None)
    assert list(quality.narrative_delegates.all()) == [person]
    assert list(Strategy.objects.get(is_current=True).summary_delegates.all()) == [person]
    # Every record names who and why; the account's last version holds its roles.
    for history in (
        User.history.filter(id=user.pk),
        Person.history.filter(id=person.pk),
        RoleAssignment.history.filter(person_id=person.pk),
    ):
        assert {(h.history_user_id, h.history_change_reason) for h in history} == {
            (administrator.pk, "Ticket 123")
        }
    versions = User.history.filter(id=user.pk).order_by("history_date", "history_id")
    assert [v.history_type for v in versions] == ["+", "~"]  # made, then given its roles
    last = versions.last()
    assert sorted(row.group.name for row in last.groups.all()) == ["Directorate lead", "Executive"]


def test_the_invitation_links_to_choosing_a_password_that_then_signs_in(client, administrator):
    user = invite(administrator, roles={Role.VIEWER.value})
    sent, problem = actions.send_invitation(by=administrator, user=user)
    assert (sent, problem) == (True, "")
    (message,) = mail.outbox
    assert message.to == ["nia.newlead@nhs.net"]
    assert "Tia Admin has given you access" in message.body
    link = re.search(r"http://\S+/accounts/set-password/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200 and b"Choose your password" in page.content
    new_password = "a long and unusual passphrase"
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert signs_in(client, "nia.newlead@nhs.net", new_password)
    # The link works once.
    client.logout()
    again = client.get("/" + path, follow=True)
    assert b"This link no longer works" in again.content


def test_an_invitation_takes_the_person_the_strategy_already_names(administrator):
    marie = Person.objects.get(slug="marie-crofts")
    marie.email = "marie.crofts@nhs.net"
    marie.save()
    user = invite(administrator, email="marie.crofts@nhs.net", roles={Role.EXECUTIVE.value})
    marie.refresh_from_db()
    assert marie.user == user
    assert Person.objects.filter(email__iexact="marie.crofts@nhs.net").count() == 1
    # The post the papers give her is kept, though the invitation did not tick it.
    assert selectors.current_access(user, today=TODAY).posts == {post("chief-nurse").pk}
    assert RoleAssignment.objects.filter(person=marie).count() == 1


def test_an_invitation_that_would_leave_a_post_without_the_executive_role_is_refused(
    administrator,
):
    marie = Person.objects.get(slug="marie-crofts")
    marie.email = "marie.crofts@nhs.net"
    marie.save()
    with pytest.raises(ValidationError) as refusal:
        invite(administrator, email="marie.crofts@nhs.net", roles={Role.VIEWER.value})
    assert refusal.value.message_dict["posts"] == [
        "Marie Crofts already has executive posts: tick Executive"
    ]
    marie.refresh_from_db()
    assert marie.user is None and not User.objects.filter(email="marie.crofts@nhs.net")


def test_an_account_made_by_single_sign_on_takes_the_person_the_strategy_names(
    administrator, make_user
):
    """A first sign-in with an NHS account makes an account with no role and no person;
    given roles here, it becomes the person the papers name with its e-mail."""
    marie = Person.objects.get(slug="marie-crofts")
    marie.email = "marie.crofts@nhs.net"
    marie.save()
    held = list(RoleAssignment.objects.filter(person=marie).values_list("role__slug", "starts_on"))
    assert [slug for slug, _ in held] == ["chief-nurse"]  # from the Trust's papers
    signed_in = make_user(
        "marie.crofts@nhs.net", email="marie.crofts@nhs.net", first_name="Marie", last_name="Crofts"
    )
    change(administrator, signed_in, roles={Role.EXECUTIVE.value}, posts={post("chief-nurse").pk})
    marie.refresh_from_db()
    assert marie.user == signed_in
    assert Person.objects.filter(email__iexact="marie.crofts@nhs.net").count() == 1
    assert selectors.current_access(signed_in, today=TODAY).posts == {post("chief-nurse").pk}
    # The post the papers give her is kept as it was, not given a second time.
    assert (
        list(RoleAssignment.objects.filter(person=marie).values_list("role__slug", "starts_on"))
        == held
    )


@pytest.mark.parametrize(
    "access,field",
    [
        ({}, "roles"),
        ({"roles": {Role.DIRECTORATE_LEAD.value}}, "units"),
        ({"roles": {Role.VIEWER.value}, "units": {"bucks-mh"}}, "units"),
        ({"roles": {Role.VIEWER.value}, "posts": {"chief-nurse"}}, "posts"),
        ({"roles": {Role.VIEWER.value}, "drafts_summary": True}, "drafts_summary"),
        ({"roles": {"superuser"}}, "roles"),
    ],
)
def test_an_invitation_that_breaks_a_rule_is_refused_and_writes_nothing(
    administrator, access, field
):
    access = dict(access)
    if "units" in access:
        access["units"] = {unit(slug).pk for slug in access["units"]}
    if "posts" in access:
        access["posts"] = {post(slug).pk for slug in access["posts"]}
    with pytest.raises(ValidationError) as refusal:
        invite(administrator, **access)
    assert field in refusal.value.message_dict
    assert not User.objects.filter(email="nia.newlead@nhs.net").exists()


def test_an_email_already_in_use_is_refused(administrator, make_user):
    make_user("nia.newlead@nhs.net", Role.VIEWER)
    with pytest.raises(ValidationError) as refusal:
        invite(administrator, email="NIA.newlead@nhs.net", roles={Role.VIEWER.value})
    assert refusal.value.message_dict["email"] == [
        "Another account already has this e-mail address"
    ]


def test_the_invite_page_shows_each_problem_beside_its_field(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/manage/users/invite/",
        {"first_name": "", "last_name": "X", "email": "not-an-address", "roles": ["nope"]},
    )
    assert response.status_code == 200
    text = response.content.decode()
    for message in (
        "Enter their first name",
        "Enter an e-mail address in the right format, like name@nhs.net",
        "Choose roles from the list",
        "Give a reason for this change",
    ):
        assert message in text
    assert User.objects.filter(last_name="X").count() == 0


# --- Changing what someone may do ----------------------------------------------------


def test_a_post_given_holds_from_today_and_taken_away_ends_yesterday(administrator):
    user = invite(administrator, roles={Role.EXECUTIVE.value}, posts={post("chief-nurse").pk})
    # Held since an earlier day (say the invitation was a month ago) …
    RoleAssignment.objects.filter(person=user.person).update(starts_on=datetime.date(2026, 11, 1))
    change(administrator, user, roles={Role.EXECUTIVE.value}, posts=set())
    held = RoleAssignment.objects.get(person=user.person)
    assert held.ends_on == datetime.date(2026, 12, 6)  # not held today
    assert selectors.current_access(user, today=TODAY).posts == frozenset()
    # … and one given and taken away the same day never took effect: it is removed.
    change(administrator, user, roles={Role.EXECUTIVE.value}, posts={post("medical-director").pk})
    change(administrator, user, roles={Role.EXECUTIVE.value}, posts=set())
    assert not RoleAssignment.objects.filter(person=user.person, role__slug="medical-director")
    deleted = RoleAssignment.history.filter(person_id=user.person.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (administrator, "Ticket 456")


def test_a_stale_page_is_refused_and_nothing_is_written(administrator):
    user = invite(administrator, roles={Role.VIEWER.value})
    seen = state_of(user)
    change(administrator, user, roles={Role.BOARD_SECRETARY.value}, seen_state=seen)
    versions = User.history.filter(id=user.pk).count()
    with pytest.raises(EditConflict):
        change(administrator, user, roles={Role.EXECUTIVE.value}, seen_state=seen)
    assert list(user.groups.values_list("name", flat=True)) == ["Board secretary"]
    assert User.history.filter(id=user.pk).count() == versions


def test_saving_what_is_already_there_is_refused(administrator):
    user = invite(administrator, roles={Role.VIEWER.value})
    with pytest.raises(ValidationError, match="Nothing has changed"):
        change(administrator, user, roles={Role.VIEWER.value})


def test_an_administrator_cannot_take_away_their_own_role(administrator, make_user):
    make_user("other-admin", Role.TRUST_ADMINISTRATOR)
    with pytest.raises(ValidationError, match="yourself"):
        change(administrator, administrator, roles={Role.VIEWER.value})
    assert administrator.groups.filter(name="Trust administrator").exists()


def test_the_last_active_administrator_keeps_the_role(make_user):
    first = make_user("first-admin", Role.TRUST_ADMINISTRATOR)
    second = make_user("second-admin", Role.TRUST_ADMINISTRATOR)
    change(first, second, roles={Role.VIEWER.value})  # one administrator left: first
    root = make_user("root", is_superuser=True)
    with pytest.raises(ValidationError, match="last active Trust administrator"):
        change(root, first, roles={Role.VIEWER.value})
    with pytest.raises(ValidationError, match="last active Trust administrator"):
        actions.deactivate_user(
            by=root, user=first, reason="x", seen_state=state_of(first), today=TODAY
        )


def test_administrators_get_the_read_only_admin_and_lose_it_with_the_role(administrator):
    user = invite(administrator, roles={Role.TRUST_ADMINISTRATOR.value})
    user.refresh_from_db()
    assert user.is_staff
    change(administrator, user, roles={Role.VIEWER.value})
    user.refresh_from_db()
    assert not user.is_staff


def test_superusers_are_not_managed_here(client, administrator, make_user):
    root = make_user("root", is_superuser=True)
    client.force_login(administrator)
    page = client.get(f"/manage/users/{root.pk}/")
    assert page.status_code == 200
    assert b"managed on the server" in page.content and b'name="state"' not in page.content
    assert client.post(f"/manage/users/{root.pk}/", {"reason": "x"}).status_code == 403
    assert client.post(f"/manage/users/{root.pk}/deactivate/", {"reason": "x"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_the_portals_own_account_is_not_listed_or_opened(client, administrator):
    from accounts.system_actor import system_actor

    system = system_actor()
    client.force_login(administrator)
    assert system.username.encode() not in client.get("/manage/users/").content
    assert client.get(f"/manage/users/{system.pk}/").status_code == 404


def test_the_account_page_saves_a_change_and_says_so(client, administrator):
    user = invite(administrator, roles={Role.VIEWER.value})
    client.force_login(administrator)
    page = client.get(f"/manage/users/{user.pk}/")
    state = re.search(rb'name="state" value="(\w+)"', page.content).group(1).decode()
    response = client.post(
        f"/manage/users/{user.pk}/",
        {
            "state": state,
            "first_name": "Nia",
            "last_name": "Newlead-Jones",
            "email": "nia.newlead@nhs.net",
            "roles": [Role.DIRECTORATE_LEAD.value],
            "units": [unit("bucks-mh").pk, unit("specialised").pk],
            "reason": "Moved to Bucks and Specialised",
        },
        follow=True,
    )
    assert b"Nia Newlead-Jones\xe2\x80\x99s access saved." in response.content
    user.refresh_from_db()
    assert user.last_name == "Newlead-Jones" and user.person.full_name == "Nia Newlead-Jones"
    assert set(user.person.lead_for_units.values_list("slug", flat=True)) == {
        "bucks-mh",
        "specialised",
    }
    # The same page again, stale: refused with a plain message.
    again = client.post(
        f"/manage/users/{user.pk}/",
        {
            "state": state,
            "first_name": "N",
            "last_name": "N",
            "email": "n@nhs.net",
            "roles": [Role.VIEWER.value],
            "reason": "x",
        },
        follow=True,
    )
    # Refused, and shown the account as it is now (not the stale page's values).
    assert b"Someone else changed this account while you were looking at it" in again.content
    assert b'value="Newlead-Jones"' in again.content
    user.refresh_from_db()
    assert user.last_name == "Newlead-Jones"


# --- Deactivating -------------------------------------------------------------------


def test_deactivating_ends_the_sessions_at_once_and_reactivating_restores(
    client, administrator, make_user
):
    lead = make_user("lead", Role.DIRECTORATE_LEAD)
    client.force_login(lead)
    assert client.get("/").status_code == 200
    actions.deactivate_user(
        by=administrator, user=lead, reason="Left the Trust", seen_state=state_of(lead), today=TODAY
    )
    assert client.get("/").status_code == 302  # their open session no longer signs them in
    assert not signs_in(client, "lead", "correct horse battery")
    assert list(lead.groups.values_list("name", flat=True)) == ["Directorate lead"]  # kept
    actions.reactivate_user(
        by=administrator, user=lead, reason="Came back", seen_state=state_of(lead), today=TODAY
    )
    assert signs_in(client, "lead", "correct horse battery")
    reasons = list(
        User.history.filter(id=lead.pk)
        .order_by("history_id")
        .values_list("is_active", "history_change_reason")
    )[-2:]
    assert reasons == [(False, "Left the Trust"), (True, "Came back")]


def test_an_administrator_cannot_deactivate_themselves(client, administrator, make_user):
    make_user("other-admin", Role.TRUST_ADMINISTRATOR)
    client.force_login(administrator)
    page = client.get(f"/manage/users/{administrator.pk}/deactivate/")
    state = re.search(rb'name="state" value="(\w+)"', page.content).group(1).decode()
    response = client.post(
        f"/manage/users/{administrator.pk}/deactivate/", {"state": state, "reason": "test"}
    )
    assert response.status_code == 200
    assert b"You cannot deactivate yourself" in response.content
    administrator.refresh_from_db()
    assert administrator.is_active


def test_an_unknown_status_change_is_not_found(client, administrator, make_user):
    someone = make_user("someone", Role.VIEWER)
    client.force_login(administrator)
    assert client.get(f"/manage/users/{someone.pk}/delete/").status_code == 404
    assert client.get("/manage/users/999999/").status_code == 404


# --- The audit log and the list --------------------------------------------------------


def test_the_audit_log_shows_roles_units_and_posts_before_and_after(administrator):
    user = invite(administrator, roles={Role.VIEWER.value})
    change(
        administrator,
        user,
        roles={Role.DIRECTORATE_LEAD.value, Role.EXECUTIVE.value},
        units={unit("bucks-mh").pk},
        posts={post("chief-nurse").pk},
        reason="Promoted",
    )
    entries = audit_page(AuditFilters(person=administrator)).entries
    promoted = {
        (entry.what, change.label, change.old, change.new)
        for entry in entries
        if entry.reason == "Promoted"
        for change in entry.changes
    }
    assert ("Account", "Roles", "Viewer", "Directorate lead, Executive") in promoted
    assert ("Person", "Leads units", "—", "Bucks MH") in promoted
    assert ("Executive post", "Post", None, "Chief Nurse") in promoted
    assert ("Executive post", "Held by", None, "Nia Newlead") in promoted
    who = {entry.who for entry in entries if entry.reason == "Promoted"}
    assert who == {"Tia Admin"}


def test_the_list_filters_by_role_status_and_name(client, administrator, make_user):
    invite(administrator, roles={Role.VIEWER.value})
    make_user("ex-lead", Role.DIRECTORATE_LEAD, first_name="Olu", is_active=False)
    client.force_login(administrator)
    page = client.get("/manage/users/?status=invited").content.decode()
    assert "Nia Newlead" in page and "Olu" not in page
    page = client.get("/manage/users/?role=directorate_lead&status=deactivated").content.decode()
    assert "Olu" in page and "Nia Newlead" not in page
    page = client.get("/manage/users/?search=newlead").content.decode()
    listed = page[page.index('data-testid="users"') :]
    assert "Nia Newlead" in listed and "Tia Admin" not in listed
    # Unknown filters and an over-long search are ignored, never an error.
    assert client.get("/manage/users/?role=root&status=x&search=" + "a" * 500).status_code == 200
    assert client.get("/manage/users/?page=99999").status_code == 200


def test_the_list_costs_the_same_queries_for_many_people_holding_roles(client, administrator):
    def people_holding_roles(count: int, start: int) -> None:
        for number in range(start, start + count):
            invite(
                administrator,
                email=f"person{number}@nhs.net",
                roles={Role.DIRECTORATE_LEAD.value, Role.EXECUTIVE.value},
                units={unit("bucks-mh").pk, unit("specialised").pk},
                posts={post("chief-nurse").pk},
            )

    client.force_login(administrator)
    people_holding_roles(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/manage/users/").status_code == 200
    people_holding_roles(20, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/manage/users/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- From the server -------------------------------------------------------------------


def test_the_first_administrator_is_made_from_the_server(db):
    from django.core.management import call_command

    call_command(
        "add_administrator",
        "First.Admin@nhs.net",
        first_name="First",
        last_name="Admin",
        reason="New installation",
    )
    user = User.objects.get(username="first.admin@nhs.net")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Trust administrator"]
    assert len(mail.outbox) == 1 and "set-password" in mail.outbox[0].body
    record = User.history.filter(id=user.pk).latest()
    assert record.history_change_reason == "New installation"
    assert record.history_user.username == "strategy-portal-system"


def test_the_server_command_refuses_without_a_reason(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Give a reason"):
        call_command("add_administrator", "x@nhs.net", reason=" ")
