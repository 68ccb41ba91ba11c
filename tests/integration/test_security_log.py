"""Security events reach the `strategy_portal.security` log, one JSON object a line,
saying what happened, to whom, by whom and from where (never a password)."""

import datetime
import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole
from objectives.roles import Role, group_name
from reporting.models import PackExport, PackFile

PASSWORD = "correct horse battery"


@pytest.fixture
def security_events(caplog):
    caplog.set_level(logging.INFO, logger="strategy_portal.security")

    def events(name: str | None = None) -> list[dict]:
        found = [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "strategy_portal.security"
        ]
        return [event for event in found if name is None or event["event"] == name]

    return events


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_logins_failures_lockouts_and_logouts_are_logged(client, make_user, security_events):
    make_user("lead-person", Role.DIRECTORATE_LEAD)
    log_in(client, "lead-person", "Secret-guess-1")
    [failed] = security_events("login_failed")
    assert failed["username"] == "lead-person"
    assert failed["address"] == "192.0.2.10"
    assert failed["time"]
    assert "Secret-guess-1" not in json.dumps(security_events())

    log_in(client, "lead-person", PASSWORD)
    [login] = security_events("login")
    assert (login["username"], login["by"], login["address"]) == (
        "lead-person",
        "lead-person",
        "192.0.2.10",
    )

    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.10")
    [logout] = security_events("logout")
    assert logout["username"] == "lead-person"

    for _ in range(5):
        log_in(client, "lead-person", "wrong", address="192.0.2.99")
    lockouts = security_events("lockout")
    assert lockouts and lockouts[0]["username"] == "lead-person"
    assert lockouts[0]["address"] == "192.0.2.99"


def test_a_made_up_username_is_logged_as_typed_but_bounded(client, db, security_events):
    log_in(client, "x" * 140, "whatever")
    [failed] = security_events("login_failed")
    assert failed["username"] == "x" * 140


def test_role_and_staff_changes_are_logged_with_before_and_after(
    client, make_user, security_events
):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    user = make_user("someone", Role.VIEWER)
    client.force_login(superuser)
    caplog_start = len(security_events())

    # As the admin does it: the user's own groups replaced.
    secretary = Group.objects.get(name=group_name(Role.BOARD_SECRETARY))
    user.groups.set([secretary])
    roles = security_events("roles_changed")[-1]
    assert roles["username"] == "someone"
    assert roles["after"] == ["Board secretary"]
    # And from the group's side.
    administrators = Group.objects.get(name=group_name(Role.TRUST_ADMINISTRATOR))
    administrators.user_set.add(user)
    roles = security_events("roles_changed")[-1]
    assert roles["before"] == ["Board secretary"]
    assert roles["after"] == ["Board secretary", "Trust administrator"]

    user.is_staff = True
    user.save()
    [flags] = security_events("user_flags_changed")
    assert flags["username"] == "someone"
    assert flags["changes"] == {"is_staff": {"before": False, "after": True}}
    assert len(security_events()) > caplog_start


def test_a_change_made_in_the_portal_names_who_made_it(seeded, client, make_user, security_events):
    """Roles and flags are changed on the users pages (the admin only shows accounts)."""
    import re

    administrator = make_user("admin", Role.TRUST_ADMINISTRATOR)
    user = make_user("someone", Role.VIEWER, first_name="Some", last_name="One")
    client.force_login(administrator)
    page = client.get(f"/manage/users/{user.pk}/", REMOTE_ADDR="192.0.2.50")
    state = re.search(rb'name="state" value="(\w+)"', page.content).group(1).decode()
    data = {
        "state": state,
        "first_name": "Some",
        "last_name": "One",
        "email": "some.one@nhs.net",
        "roles": [Role.BOARD_SECRETARY.value],
        "reason": "New post",
    }
    response = client.post(f"/manage/users/{user.pk}/", data, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 302
    # Taken away, then given (Django sets a many-to-many field in two steps).
    events = [e for e in security_events("roles_changed") if e["by"] is not None]
    assert {(e["by"], e["address"], e["username"]) for e in events} == {
        ("admin", "192.0.2.50", "someone")
    }
    assert (events[0]["before"], events[-1]["after"]) == (["Viewer"], ["Board secretary"])


def test_executive_role_assignments_are_logged(seeded, make_user, security_events):
    person = strategy_actions.create_person(
        by=None, slug="new-director", full_name="New Director", reason="test"
    )
    role = ExecutiveRole.objects.first()
    strategy_actions.assign_role(by=None, role=role, person=person, source="test", reason="test")
    [assigned] = security_events("role_assigned")
    assert assigned["person"] == "New Director"
    assert assigned["role"] == role.title


def test_pack_exports_and_downloads_are_logged(client, seeded, make_user, security_events):
    secretary = make_user("secretary-person", Role.BOARD_SECRETARY)
    client.force_login(secretary)
    response = client.post(reverse("reporting:export_pack", args=["2020-09"]))
    assert response.status_code == 302
    [exported] = security_events("pack_export_requested")
    assert exported["by"] == "secretary-person"
    assert exported["edition"] == "draft"
    assert exported["export"] == PackExport.objects.get().pk

    export = PackExport.objects.get()
    export.status = PackExport.Status.DONE
    export.finished_at = timezone.now()
    export.save()
    stored = PackFile(export=export, format="csv", filename="pack.csv", size=3, sha256="x" * 64)
    stored.file.save("pack.csv", ContentFile(b"a,b"), save=True)
    download = client.get(reverse("reporting:download_pack_file", args=[stored.pk]))
    assert download.status_code == 200
    [downloaded] = security_events("pack_downloaded")
    assert downloaded["by"] == "secretary-person"
    assert downloaded["file"] == "pack.csv"
    assert downloaded["export"] == export.pk


def test_the_security_log_can_go_to_a_file_for_the_soc(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    log_file = tmp_path / "security.log"
    code = (
        "import django; django.setup(); "
        "from accounts.security_log import log_event; log_event('test_event', username='x')"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "strategy_portal.settings",
            "DJANGO_ENV": "development",
            "SECURITY_LOG_FILE": str(log_file),
        },
        check=True,
        timeout=60,
    )
    [line] = log_file.read_text().splitlines()
    event = json.loads(line)
    assert event["event"] == "test_event" and event["username"] == "x"
    assert datetime.datetime.fromisoformat(event["time"])


def test_a_typed_name_cannot_forge_or_disguise_a_line_of_the_log(client, db, caplog):
    """One event is one line of ASCII: a line separator or a right-to-left override in
    a typed username is escaped, so a SOC's tools read it as what it is."""
    caplog.set_level(logging.INFO, logger="strategy_portal.security")
    log_in(client, 'admin\u2028{"event": "login"}\u202e', "whatever")
    [line] = [r.getMessage() for r in caplog.records if r.name == "strategy_portal.security"]
    assert line.isascii() and "\\u2028" in line and "\\u202e" in line
    assert json.loads(line)["username"] == 'admin\u2028{"event": "login"}\u202e'
