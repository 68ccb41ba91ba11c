"""The bad-input suite: malformed requests to every form, URL parameter and upload.

Each request is sent through `Sender`, which counts it and keeps, for a server
error, the exception and the line of the portal's code it came from. The total is
printed at the end of the run, as `bad-input suite: N requests, M server errors`.
"""

import datetime
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings

from objectives.models import Person, RoleAssignment, StrategicObjective, Strategy
from objectives.roles import Role
from okrs import periods
from okrs.models import KeyResult, ReportingPeriod, Result, Target
from reporting.models import BoardCover, IprEdition, Narrative
from tests.conftest import period_open_today
from tests.portal_world import ANONYMOUS, World, build_world, changed_tables, row_counts
from users import actions as user_actions
from users.access import Access

PROJECT = Path(__file__).resolve().parents[2]

ADMINISTRATOR = Role.TRUST_ADMINISTRATOR.value
EXECUTIVE = Role.EXECUTIVE.value
LEAD = Role.DIRECTORATE_LEAD.value
SECRETARY = Role.BOARD_SECRETARY.value
VIEWER = Role.VIEWER.value


def generated(examples: int):
    """Hypothesis settings for a loop of generated requests inside one test: the same
    examples on every run (CI is reproducible), no time limit per example, and no
    shrinking, because a request that fails is kept in the test's list of problems
    rather than raised (so one run lists every failing input)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


GENERATED = generated(80)


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[tuple[str, str]] = field(default_factory=list)  # (request, cause)


TALLY = Tally()


def pytest_terminal_summary(terminalreporter):
    if not TALLY.requests:
        return
    terminalreporter.write_sep("-", "bad-input suite")
    terminalreporter.write_line(
        f"bad-input suite: {TALLY.requests} requests, {len(TALLY.server_errors)} server errors"
    )
    # Grouped by cause (exception and line of code), with one request that showed it.
    causes: dict[str, list[str]] = {}
    for request, cause in TALLY.server_errors:
        causes.setdefault(cause, []).append(request)
    for cause, requests in sorted(causes.items()):
        terminalreporter.write_line(f"  {len(requests)} × {cause}")
        terminalreporter.write_line(f"      e.g. {requests[0]}")


def where_it_failed(exc_info) -> tuple[str, str]:
    """The exception and the last line of the portal's own code it passed through
    (the cause, to group by), and the exception's message."""
    if not exc_info:
        return "no exception recorded", ""
    kind, value, trace = exc_info
    ours = [
        frame
        for frame in traceback.extract_tb(trace)
        if frame.filename.startswith(str(PROJECT))
        and "/.venv/" not in frame.filename
        and "/tests/" not in frame.filename
    ]
    message = str(value).splitlines()[0][:120] if str(value) else ""
    if not ours:
        return kind.__name__, message
    frame = ours[-1]
    place = Path(frame.filename).relative_to(PROJECT)
    return f"{kind.__name__} at {place}:{frame.lineno} `{(frame.line or '').strip()}`", message


def shorten(text: str, limit: int = 90) -> str:
    text = repr(text) if not isinstance(text, str) else text
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} chars)"


@dataclass
class Sender:
    """Sends requests as one of the world's people, counting them and keeping server errors."""

    client: object
    world: World
    current: str | None = None

    def as_(self, who: str) -> None:
        if who == self.current:
            return
        self.client.logout()
        if who != ANONYMOUS:
            self.client.force_login(self.world.users[who])
        self.current = who

    def send(self, who: str, method: str, path: str, data=None, **extra):
        self.as_(who)
        self.client.raise_request_exception = False
        if method == "GET":
            response = self.client.get(path, data or {}, **extra)
        else:
            response = self.client.post(path, data or {}, **extra)
        TALLY.requests += 1
        if response.status_code >= 500:
            cause, message = where_it_failed(getattr(response, "exc_info", None))
            shown = f"{path}?{shorten(str(data), 60)}" if method == "GET" and data else path
            request = f"{method} {shorten(shown)} as {who}"
            response.failure = f"{request} → 500 {cause}: {shorten(message, 120)}"
            TALLY.server_errors.append((f"{request}: {shorten(message, 120)}", cause))
        return response

    def get(self, who: str, path: str, data=None, *, problems: list[str]):
        """A GET: never a server error, and never a row written anywhere."""
        self.as_(who)  # logging in is recorded (login throttling): not part of the GET
        before = row_counts()
        response = self.send(who, "GET", path, data)
        if response.status_code >= 500:
            problems.append(response.failure)
        written = changed_tables(before, row_counts())
        if written:
            shown = f"{path} {shorten(str(data), 60)}" if data else path
            problems.append(f"GET {shorten(shown)} as {who} wrote rows (before, after): {written}")
        return response


@pytest.fixture
def world(seeded, make_user) -> World:
    world = build_world(make_user)
    world.invited = invited_lead(world)
    return world


def invited_lead(world: World):
    """Someone the administrator has invited, who has not signed in yet: a directorate
    lead of Bucks MH, the account the users pages are sent malformed requests about."""
    return user_actions.invite_user(
        by=world.users[ADMINISTRATOR],
        first_name="Ivy",
        last_name="Invited",
        email="ivy.invited@nhs.net",
        access=Access(roles=frozenset({LEAD}), units=frozenset({world.bucks.pk})),
        reason="test",
        today=timezone.localdate(),
    )


@pytest.fixture
def sender(client, world) -> Sender:
    return Sender(client, world)


@pytest.fixture
def open_quarter():
    """Q4 2020/21 with its entry window moved (as an administrator may) to include today,
    so the lead may save drafts and submit."""
    return period_open_today(periods.quarter_span(2020, 4))


@pytest.fixture
def count_okr(world):
    """An active count OKR (no seeded one is active), which bucks owes each quarter."""
    from decimal import Decimal

    from okrs import actions as okr_actions

    key_result = okr_actions.create_key_result(
        by=None,
        objective=world.quality,
        code="quality-admissions",
        statement="Admissions avoided",
        status="active",
        measure="count",
        direction="increase",
        frequency="quarterly",
        reason="test",
    )
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(120),
        effective_from=datetime.date(2020, 4, 1),
        reason="test",
    )
    return key_result


@pytest.fixture
def ratio_okr(world):
    """An active percentage worked out from a numerator and a denominator, which
    bucks owes each quarter: the entry form asks for both instead of the value."""
    from decimal import Decimal

    from okrs import actions as okr_actions

    key_result = okr_actions.create_key_result(
        by=None,
        objective=world.quality,
        code="quality-trained",
        statement="Staff trained",
        status="active",
        measure="percentage",
        direction="increase",
        frequency="quarterly",
        trust_value="ratio",
        numerator_label="Staff trained",
        denominator_label="Staff required to train",
        reason="test",
    )
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(95),
        effective_from=datetime.date(2020, 4, 1),
        reason="test",
    )
    return key_result


def stored_data() -> dict:
    """What people enter, to compare before and after a refused request."""
    return {
        "results": list(
            Result.objects.order_by("pk").values_list(
                "pk", "value", "comment", "status", "version", "is_demo"
            )
        ),
        "narratives": list(
            Narrative.objects.order_by("pk").values_list(
                "pk",
                "text",
                "chart_shows",
                "issues",
                "actions",
                "risks",
                "expected_recovery",
                "signed_by",
            )
        ),
        "covers": list(BoardCover.objects.order_by("pk").values()),
        "key_results": list(KeyResult.objects.order_by("pk").values_list("pk", "code", "status")),
        "targets": list(Target.objects.order_by("pk").values_list("pk", "value", "effective_from")),
        "periods": ReportingPeriod.objects.count(),
        "editions": IprEdition.objects.count(),
        **stored_access(),
    }


def stored_access() -> dict:
    """Who may use the portal and what each may do (not when they last signed in:
    logging in as someone else records that)."""
    User = get_user_model()
    links = {
        "account_roles": User.groups.through,
        "units_led": Person.lead_for_units.through,
        "narrative_delegates": StrategicObjective.narrative_delegates.through,
        "summary_delegates": Strategy.summary_delegates.through,
    }
    return {
        "accounts": list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "email", "first_name", "last_name", "password", "is_active"
            )
        ),
        "people": list(
            Person.objects.order_by("pk").values_list("pk", "full_name", "email", "user")
        ),
        "posts": list(
            RoleAssignment.objects.order_by("pk").values_list(
                "pk", "person", "role", "starts_on", "ends_on"
            )
        ),
        **{name: sorted(link.objects.values_list()) for name, link in links.items()},
    }


def data_difference(before: dict, after: dict) -> str:
    return ", ".join(name for name in before if before[name] != after[name])
