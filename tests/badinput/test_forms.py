"""Malformed input in every form: never a server error; a refused request changes no
stored data and shows the form again with what the person typed elsewhere; no NUL
character is ever stored; some inputs must always be refused.

Each form is posted with valid data in which one field at a time is replaced by a
bad value: first the known ones, then values Hypothesis generates (derandomised)."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st

from api.models import ApiClient
from objectives.models import (
    ExecutiveRole,
    KeyFocusArea,
    Person,
    RoleAssignment,
    StrategicObjective,
    Strategy,
)
from okrs.models import KeyResult, Result, ResultUpload, Trajectory
from reporting.models import BoardCover, IprEdition, Narrative
from tests.badinput.conftest import (
    ADMINISTRATOR,
    EXECUTIVE,
    LEAD,
    SECRETARY,
    VIEWER,
    data_difference,
    generated,
    shorten,
    stored_data,
)
from tests.portal_world import ANONYMOUS, PUBLISHED_MONTH, UPLOAD_CSV

User = get_user_model()
MARK = "Kept-4417"  # typed in another field; a refused form must show it again

TEXTS = [
    "",
    "   ",
    "a\x00b",
    "\x00",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "\u202eevil",
    "😀\u0301" * 20,
    "\r\n\r\n",
]
# Numbers people must not get away with: other scripts' digits, commas in the wrong
# places, line breaks, and sizes no measure can hold.
REFUSED_NUMBERS = [
    "١٢",
    "１２",
    "𝟗𝟗",
    "9,4",
    "1,,,2",
    "1\r\n2",
    "99999999999",
    "9,999,999,999%",
    "1e15",
    "NaN",
    "Infinity",
]
NUMBERS = [*REFUSED_NUMBERS, "-", "£", "0x10", "1_000", "--5", ""]
DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "31/12/2026", "٢٠٢٠-١٢-١٢", "", "\x00"]
CHOICES = ["", "nonsense", "<script>", "99999999999999999999", "-1", "\x00"]
KINDS = {"text": TEXTS, "number": NUMBERS, "date": DATES, "choice": CHOICES}

BIG_NARRATIVE = "Recovery plan. " * 160_000  # 2.4 MB
BIG_COVER_SUMMARY = "Summary. " * 55_556  # 500 KB


@dataclass
class FormCase:
    name: str
    who: str
    url: Callable  # (world) → address
    valid: Callable  # (world, sender) → a valid submission
    fields: dict[str, str]  # field (or a function of the world giving it) → kind
    marks: list[str] = field(default_factory=list)  # fields to carry MARK
    must_refuse: dict[str, list[str]] = field(default_factory=dict)
    redirects_when_refused: bool = False  # the page says so after a redirect
    # The valid submission is worked out anew for each request (it carries the state
    # the page showed, or makes something that can be made only once).
    fresh: bool = False
    # (world) → more (field, value, must it be refused) to try: fields sent twice, ids
    # of the world's records.
    more: Callable | None = None


def form_values(response) -> dict:
    """What a form page would send back as it is: each field's value."""
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        data[bound.html_name] = value if isinstance(value, list) else str(value)
    return data


def field_for(world, code: str, part: str) -> str:
    return f"{part}_{KeyResult.objects.get(code=code).pk}"


def entry_draft(world, sender):
    page = sender.send(LEAD, "GET", entry_url(world.open_quarter))
    data = form_values(page)
    data[field_for(world, "quality-cccs-training", "value")] = "94"
    data[field_for(world, "quality-staff-sickness", "value")] = "4"
    data[field_for(world, "quality-staff-sickness", "comment")] = MARK
    data[field_for(world, "quality-trained", "numerator")] = "290"
    data[field_for(world, "quality-trained", "denominator")] = "300"
    data["draft"] = "1"
    return data


def entry_url(period) -> str:
    return f"/submissions/bucks-mh/{period.pk}/"


def entry_correction(world, sender):
    page = sender.send(SECRETARY, "GET", entry_url(world.closed_quarter))
    data = form_values(page)
    data[field_for(world, "quality-staff-sickness", "comment")] = MARK
    data["reason"] = "Figures confirmed by the performance team"
    data["submit"] = "1"
    return data


def definition(world, code: str) -> dict:
    return {
        "code": code,
        "statement": "We will reach 95% of something",
        "measure": "percentage",
        "direction": "increase",
        "frequency": "quarterly",
        "target": "95",
        "target_from": "2025-04-01",
        "tolerance": "2",
        "tolerance_kind": "absolute",
        "decimal_places": "1",
        "owner_role": "",
        "calculation": "Counted monthly.",
        "data_source": "Ward returns",
        "target_rationale": "National standard",
        "reason": "Agreed at the Board",
    }


def add_okr(world, sender):
    focus_area = KeyFocusArea.objects.filter(objective=world.quality).first()
    return definition(world, "new-okr") | {"focus_area": focus_area.pk}


def replace_okr(world, sender):
    return definition(world, "replacement")


def change_target(code: str, value: str):
    def valid(world, sender):
        page = sender.send(ADMINISTRATOR, "GET", f"/manage/okrs/{code}/target/")
        choices = [key for key, _ in page.context["form"].fields["from_period"].choices if key]
        return {"from_period": choices[-1], "value": value, "reason": "Raised by the Board"}

    return valid


def trajectory(world, sender):
    page = sender.send(ADMINISTRATOR, "GET", "/manage/okrs/quality-cccs-training/trajectories/")
    choices = [key for key, _ in page.context["form"].fields["first_period"].choices if key]
    return {
        "unit": "bucks-mh",
        "first_period": choices[0],
        "values": "92\n93\n94",
        "approved_by": "Quality Committee",
        "approved_on": "2020-07-14",
        "reason": "Recovery plan agreed",
    }


def rating_rule(address: str):
    """A rule's form as its page shows it, with a reason: confirming it as it is."""

    def valid(world, sender):
        page = sender.send(ADMINISTRATOR, "GET", address(world))
        return form_values(page) | {"reason": "Agreed by the Board"}

    return valid


def cover(world, sender):
    page = sender.send(SECRETARY, "GET", cover_url(world))
    return form_values(page) | {"title": MARK, "reason": "For the March Board"}


def cover_url(world) -> str:
    return f"/ipr/{PUBLISHED_MONTH}/revisions/1/cover/"


def a_focus_area() -> int:
    from objectives.models import KeyFocusArea

    return KeyFocusArea.objects.filter(objective__strategy__is_current=True).first().pk


def ohi(world) -> int:
    from okrs.models import Programme

    return Programme.objects.get(title="Oxford Healthcare Improvement (OHI)").pk


def summary_url(world) -> str:
    return f"/ipr/{PUBLISHED_MONTH}/objectives/{world.quality.pk}/summary/"


def commentary_url(world) -> str:
    objective = world.quality.pk
    return f"/ipr/{PUBLISHED_MONTH}/objectives/{objective}/okrs/quality-cccs-training/commentary/"


def invitation(world, sender):
    """A directorate lead of Bucks MH invited: someone new each time (an e-mail
    address no account has yet)."""
    sender.state["invited"] = sender.state.get("invited", 0) + 1
    return {
        "first_name": "Nia",
        "last_name": "Newlead",
        "email": f"new.person{sender.state['invited']}@nhs.net",
        "roles": [LEAD],
        "units": [str(world.bucks.pk)],
        "reason": "Ticket 123",
    }


def account_url(world) -> str:
    return f"/manage/users/{world.invited.pk}/"


def account_change(world, sender):
    """The invited lead's page as it shows them now (the state it shows too), with
    their last name changed: each request is a change of its own."""
    data = form_values(sender.send(ADMINISTRATOR, "GET", account_url(world)))
    data["last_name"] = "Invited-Jones" if data["last_name"] == "Invited" else "Invited"
    return data | {"reason": "Married name"}


def status_url(world) -> str:
    """Deactivating the invited lead, or reactivating them once deactivated."""
    world.invited.refresh_from_db()
    change = "deactivate" if world.invited.is_active else "reactivate"
    return f"/manage/users/{world.invited.pk}/{change}/"


def status_change(world, sender):
    page = sender.send(ADMINISTRATOR, "GET", status_url(world))
    return form_values(page) | {"reason": "Left the Trust"}


def live_client(world, sender):
    """An API client not yet revoked: made anew once the last one is revoked (its
    name numbered, a name being used once)."""
    from api.actions import create_client

    client = ApiClient.objects.filter(revoked_at__isnull=True).first()
    if client is None:
        sender.state["clients"] = sender.state.get("clients", 0) + 1
        client, _ = create_client(
            by=world.users[ADMINISTRATOR],
            name=f"Warehouse loader {sender.state['clients']}",
            purpose="Nightly load",
            responsible=world.users[ADMINISTRATOR],
            units=[world.bucks],
            all_units=False,
            can_write=True,
            reason="test",
        )
    world.api_client = client
    return client


def revocation(world, sender):
    """Revoking a live client, from its page as it shows it now."""
    client = live_client(world, sender)
    page = sender.send(ADMINISTRATOR, "GET", f"/manage/api-clients/{client.pk}/")
    return form_values(page) | {"reason": "Warehouse replaced"}


NAMES_REFUSED = ["", "   ", "\x00", "\r\n", "x" * 151, ("Nia", "")]
EMAILS_REFUSED = [
    "",
    "not-an-address",
    "a@b",
    "@nhs.net",
    "nia newlead@nhs.net",
    "nia\x00@nhs.net",
    f"{'a' * 143}@nhs.net",  # 151 characters
    f"{'a' * 300}@{'b' * 300}.net",
    ("nia@nhs.net", "not-an-address"),
]
ROLES_REFUSED = [
    "superuser",
    "Trust administrator",
    "TRUST_ADMINISTRATOR",
    "directorate_lead\x00",
    (LEAD, "superuser"),
]
IDS_REFUSED = ["nonsense", "0", "-1", "1.5", "２", "2147483648", "99999999999999999999", "9" * 60]
REASONS_REFUSED = ["", "   ", "x" * 2001, ("Ticket 123", "")]


def access_ids(world) -> list[tuple[str, object, bool]]:
    """Ids of the world's records in the access form's fields: sent twice (fine),
    beside an id that is no record's, or of an objective of an earlier strategy
    (refused)."""
    bucks = str(world.bucks.pk)
    earlier = StrategicObjective.objects.filter(strategy__is_current=False).first()
    return [
        ("units", (bucks, bucks), False),
        ("units", (bucks, "99999999999999999999"), True),
        ("units", (bucks, "nonsense"), True),
        ("narratives", (str(world.quality.pk),) * 2, False),
        ("narratives", str(earlier.pk), True),
        ("roles", (LEAD, LEAD), False),
        ("drafts_summary", ("on", ""), False),
        ("first_name", ("Nia", "Nell"), False),
    ]


def invitation_ids(world) -> list[tuple[str, object, bool]]:
    """As `access_ids`, and a post given to someone who is not an executive (refused)."""
    chief_nurse = str(ExecutiveRole.objects.get(slug="chief-nurse").pk)
    return [*access_ids(world), ("posts", chief_nurse, True), ("posts", (chief_nurse,) * 2, True)]


ACCESS_FIELDS = {
    "first_name": "text",
    "last_name": "text",
    "email": "text",
    "roles": "choice",
    "units": "choice",
    "posts": "choice",
    "narratives": "choice",
    "drafts_summary": "choice",
    "reason": "text",
}

DEFINITION_FIELDS = {
    "code": "text",
    "statement": "text",
    "measure": "choice",
    "direction": "choice",
    "frequency": "choice",
    "trust_value": "choice",
    "target": "number",
    "target_from": "date",
    "tolerance": "number",
    "tolerance_kind": "choice",
    "decimal_places": "number",
    "owner_role": "choice",
    "calculation": "text",
    "data_source": "text",
    "target_rationale": "text",
    "reason": "text",
}

CASES = [
    FormCase(
        "entry, draft by the unit's lead",
        LEAD,
        lambda w: entry_url(w.open_quarter),
        entry_draft,
        {
            "value:quality-cccs-training": "number",
            "value:quality-reduce-harm": "number",
            "value:quality-patient-satisfaction": "number",
            "value:quality-admissions": "number",
            "numerator:quality-trained": "number",
            "denominator:quality-trained": "number",
            "comment:quality-cccs-training": "text",
            "version:quality-cccs-training": "choice",
        },
        must_refuse={
            "value:quality-cccs-training": REFUSED_NUMBERS,
            "value:quality-reduce-harm": REFUSED_NUMBERS,
            "value:quality-patient-satisfaction": REFUSED_NUMBERS,
            "value:quality-admissions": REFUSED_NUMBERS,
            "numerator:quality-trained": [*REFUSED_NUMBERS, "-1", "0.00001"],
            "denominator:quality-trained": [*REFUSED_NUMBERS, "0", "-5"],
        },
    ),
    FormCase(
        "entry, a secretary's correction",
        SECRETARY,
        lambda w: entry_url(w.closed_quarter),
        entry_correction,
        {
            "value:quality-cccs-training": "number",
            "comment:quality-cccs-training": "text",
            "reason": "text",
        },
        must_refuse={"value:quality-cccs-training": REFUSED_NUMBERS},
    ),
    FormCase(
        "change a target",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-staff-sickness/target/",
        change_target("quality-staff-sickness", "5"),
        {"from_period": "choice", "value": "number", "reason": "text"},
        must_refuse={"value": REFUSED_NUMBERS},
    ),
    FormCase(
        "change a percentage-change target",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-reduce-harm/target/",
        change_target("quality-reduce-harm", "-10"),
        {"value": "number"},
        must_refuse={"value": REFUSED_NUMBERS},
    ),
    FormCase(
        "change a score target",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-patient-satisfaction/target/",
        change_target("quality-patient-satisfaction", "90"),
        {"value": "number"},
        must_refuse={"value": REFUSED_NUMBERS},
    ),
    FormCase(
        "set or revise a trajectory",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-cccs-training/trajectories/",
        trajectory,
        {
            "unit": "choice",
            "first_period": "choice",
            "values": "text",
            "approved_by": "text",
            "approved_on": "date",
            "reason": "text",
        },
        marks=["approved_by"],
        must_refuse={"values": ["١٢", "1e15", "NaN", "99999999999", "9,4"]},
    ),
    FormCase(
        "confirm the exceptions rule",
        ADMINISTRATOR,
        lambda w: "/manage/rules/exceptions/",
        rating_rule(lambda w: "/manage/rules/exceptions/"),
        {"amber_periods": "number", "seen": "text", "reason": "text"},
        marks=["reason"],
        must_refuse={"amber_periods": ["1", "13", "١٢", "2.5", "99999999999"]},
    ),
    FormCase(
        "confirm an overall-rating rule",
        ADMINISTRATOR,
        lambda w: f"/manage/rules/objectives/{w.quality.pk}/",
        rating_rule(lambda w: f"/manage/rules/objectives/{w.quality.pk}/"),
        {
            "method": "choice",
            "green_from": "number",
            "amber_from": "number",
            "seen": "text",
            "reason": "text",
        },
        marks=["reason"],
        must_refuse={"green_from": ["0.5", "3.5", "2.555", "NaN"], "amber_from": ["2.9", "4"]},
    ),
    FormCase(
        "confirm a tolerance",
        ADMINISTRATOR,
        lambda w: "/manage/rules/okrs/quality-cccs-training/tolerance/",
        rating_rule(lambda w: "/manage/rules/okrs/quality-cccs-training/tolerance/"),
        {"tolerance": "number", "tolerance_kind": "choice", "seen": "text", "reason": "text"},
        marks=["reason"],
        must_refuse={"tolerance": [*REFUSED_NUMBERS, "-1", "0.00001", "1000000"]},
    ),
    FormCase(
        "confirm a definition",
        ADMINISTRATOR,
        lambda w: "/manage/rules/okrs/quality-reduce-harm/definition/",
        rating_rule(lambda w: "/manage/rules/okrs/quality-reduce-harm/definition/"),
        {"seen": "text", "reason": "text"},
    ),
    FormCase(
        "add an OKR",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/add/",
        add_okr,
        DEFINITION_FIELDS | {"focus_area": "choice"},
        marks=["statement", "data_source"],
        must_refuse={"target": REFUSED_NUMBERS},
    ),
    FormCase(
        "achieve and replace an OKR",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-cccs-training/achieve/",
        replace_okr,
        DEFINITION_FIELDS,
        marks=["statement", "data_source"],
        must_refuse={"target": REFUSED_NUMBERS},
    ),
    FormCase(
        "retire an OKR",
        ADMINISTRATOR,
        lambda w: "/manage/okrs/quality-staff-sickness/retire/",
        lambda w, s: {"reason": "Replaced by national data"},
        {"reason": "text"},
    ),
    FormCase(
        "executive summary",
        EXECUTIVE,
        summary_url,
        lambda w, s: {"text": "Training recovery plan on track.", "save": "1"},
        {"text": "text"},
        must_refuse={"text": [BIG_NARRATIVE]},
    ),
    FormCase(
        "add a programme",
        ADMINISTRATOR,
        lambda w: "/manage/programmes/add/",
        lambda w, s: {
            "title": "E-rostering",
            "focus_area": str(a_focus_area()),
            "lead": "",
            "unit": "",
            "reason": MARK,
        },
        {
            "title": "text",
            "focus_area": "choice",
            "lead": "choice",
            "unit": "choice",
            "reason": "text",
        },
        marks=["reason"],
    ),
    FormCase(
        "a programme's report for a month",
        ADMINISTRATOR,
        lambda w: f"/programmes/{ohi(w)}/reports/{PUBLISHED_MONTH}/",
        lambda w, s: {
            "rag": "amber",
            "progress": MARK,
            "version": "",
            "cip_planned": "120000",
            "cip_delivered": "95500",
        },
        {"rag": "choice", "progress": "text", "cip_planned": "number", "cip_delivered": "number"},
        marks=["progress"],
    ),
    FormCase(
        "overall summary (drafted by a delegate)",
        EXECUTIVE,
        lambda w: f"/ipr/{PUBLISHED_MONTH}/summary/",
        lambda w, s: {"text": "A steady month across the Trust.", "save": "1"},
        {"text": "text"},
        must_refuse={"text": [BIG_NARRATIVE]},
    ),
    FormCase(
        "OKR commentary",
        EXECUTIVE,
        commentary_url,
        lambda w, s: {
            "chart_shows": "Improving",
            "issues": "Staffing",
            "actions": "Recruit (HR, May)",
            "risks": "Winter",
            "expected_recovery": "Q1",
            "save": "1",
        },
        {
            "chart_shows": "text",
            "issues": "text",
            "actions": "text",
            "risks": "text",
            "expected_recovery": "text",
        },
        marks=["issues", "risks"],
        must_refuse={"issues": [BIG_NARRATIVE]},
    ),
    FormCase(
        "Board cover sheet",
        SECRETARY,
        cover_url,
        cover,
        {
            "meeting": "text",
            "meeting_date": "date",
            "reference": "text",
            "agenda_item": "text",
            "title": "text",
            "purpose": "choice",
            "summary": "text",
            "recommendation": "text",
            "authors": "text",
            "lead_executive": "text",
            "governance_route": "text",
            "reason": "text",
        },
        marks=["title", "meeting"],
        must_refuse={"summary": [BIG_COVER_SUMMARY]},
    ),
    FormCase(
        "publish a revision, confirmed, with a note and a reason",
        SECRETARY,
        lambda w: f"/ipr/{PUBLISHED_MONTH}/close/",
        lambda w, s: {"confirmed": "on", "reason": "Board today", "note": "Corrected figures"},
        {"note": "text", "reason": "text", "confirmed": "choice"},
        marks=["note"],
    ),
    FormCase(
        "remind a unit",
        SECRETARY,
        lambda w: f"/ipr/{PUBLISHED_MONTH}/close/remind/",
        lambda w, s: {"unit": str(w.quality.pk), "period": "1"},
        {"unit": "choice", "period": "choice"},
        redirects_when_refused=True,
    ),
    FormCase(
        "send the pack",
        SECRETARY,
        lambda w: f"/ipr/{PUBLISHED_MONTH}/revisions/1/send/",
        lambda w, s: {"recipients": "chair@example.com", "message": "", "delivery": "link"},
        {"recipients": "text", "message": "text", "delivery": "choice"},
        marks=["message"],
    ),
    FormCase(
        "export a revision's pack",
        SECRETARY,
        lambda w: f"/ipr/{PUBLISHED_MONTH}/packs/",
        lambda w, s: {"revision": "1"},
        {"revision": "choice"},
        redirects_when_refused=True,
    ),
    FormCase(
        "the reason on an upload's preview",
        SECRETARY,
        lambda w: f"/upload/{w.upload.pk}/",
        lambda w, s: {"reason": "Checked figures"},
        {"reason": "text"},
        redirects_when_refused=True,
    ),
    FormCase(
        "invite someone",
        ADMINISTRATOR,
        lambda w: "/manage/users/invite/",
        invitation,
        ACCESS_FIELDS,
        marks=["last_name", "reason"],
        must_refuse={
            "first_name": NAMES_REFUSED,
            "last_name": NAMES_REFUSED,
            "email": [*EMAILS_REFUSED, "ivy.invited@nhs.net", " IVY.Invited@NHS.net "],
            "roles": [*ROLES_REFUSED, VIEWER, ""],
            "units": [*IDS_REFUSED, "\x00", ""],
            "posts": [*IDS_REFUSED, "\x00"],
            "narratives": [*IDS_REFUSED, "\x00"],
            "reason": REASONS_REFUSED,
        },
        fresh=True,
        more=invitation_ids,
    ),
    FormCase(
        "what an account may do",
        ADMINISTRATOR,
        account_url,
        account_change,
        ACCESS_FIELDS | {"state": "text"},
        marks=["reason"],
        must_refuse={
            "first_name": NAMES_REFUSED,
            "last_name": NAMES_REFUSED,
            "email": EMAILS_REFUSED,
            "roles": ROLES_REFUSED,
            "units": IDS_REFUSED,
            "posts": IDS_REFUSED,
            "narratives": IDS_REFUSED,
            "reason": REASONS_REFUSED,
            "state": ["", "0" * 24, "x" * 65, ("", "")],
        },
        fresh=True,
        more=access_ids,
    ),
    FormCase(
        "deactivate or reactivate an account",
        ADMINISTRATOR,
        status_url,
        status_change,
        {"reason": "text", "state": "text"},
        must_refuse={"reason": REASONS_REFUSED, "state": ["", "0" * 24, "x" * 65]},
        fresh=True,
    ),
    FormCase(
        "revoke an API client",
        ADMINISTRATOR,
        lambda w: f"/manage/api-clients/{w.api_client.pk}/revoke/",
        revocation,
        {"reason": "text", "version": "text"},
        # A version other than the page's is a stale page: shown again as it is now.
        must_refuse={"reason": REASONS_REFUSED, "version": ["", "0", "-1", "99", "x", "1.5"]},
        fresh=True,
    ),
    FormCase(
        "log in",
        ANONYMOUS,
        lambda w: "/accounts/login/",
        lambda w, s: {"username": "secretary", "password": "wrong"},
        {"username": "text", "password": "text"},
        redirects_when_refused=True,
    ),
]


def resolve(world, name: str) -> str:
    """'value:quality-cccs-training' → 'value_<pk>'; other names as they are."""
    if ":" in name:
        part, code = name.split(":")
        return field_for(world, code, part)
    return name


def nul_stored() -> list[str]:
    """Where a NUL character was stored in text people typed."""
    found = []
    checks = [
        (Result, ["comment"]),
        (Narrative, ["text", "chart_shows", "issues", "actions", "risks", "expected_recovery"]),
        (BoardCover, ["meeting", "reference", "agenda_item", "title", "summary", "recommendation"]),
        (BoardCover, ["authors", "lead_executive", "governance_route"]),
        (KeyResult, ["code", "statement", "calculation", "data_source", "target_rationale"]),
        (IprEdition, ["note"]),
        (ResultUpload, ["reason"]),
        (Trajectory, ["reason", "approved_by"]),
        (Result.history.model, ["history_change_reason"]),
        (KeyResult.history.model, ["history_change_reason"]),
        (StrategicObjective.history.model, ["history_change_reason"]),
        (Strategy.history.model, ["history_change_reason"]),
        (User, ["username", "email", "first_name", "last_name"]),
        (Person, ["full_name", "email"]),
        (User.history.model, ["history_change_reason"]),
        (Person.history.model, ["history_change_reason"]),
        (RoleAssignment.history.model, ["history_change_reason"]),
        (ApiClient.history.model, ["history_change_reason", "name", "purpose"]),
    ]
    for model, names in checks:
        for row in model.objects.values_list(*names):
            if any("\x00" in (text or "") for text in row):
                found.append(f"{model.__name__}: {shorten(str(row), 60)}")
    return found


@dataclass
class Judge:
    """Sends one bad value in one field and says what went wrong, if anything."""

    sender: object
    world: object
    problems: list[str]
    baseline: dict | None = None

    def valid(self, case: FormCase) -> dict:
        """The case's valid submission (worked out once: some are read from the form)."""
        cached = self.sender.state.setdefault("valid", {})
        if case.name not in cached or case.fresh:
            cached[case.name] = case.valid(self.world, self.sender)
        data = dict(cached[case.name])
        if "code" in data:  # a new OKR needs a code of its own each time
            self.sender.state["codes"] = self.sender.state.get("codes", 0) + 1
            data["code"] = f"{data['code']}-{self.sender.state['codes']}"
        return data

    def post(self, case: FormCase, name: str, value: str, *, must_refuse=False) -> None:
        sender, world = self.sender, self.world
        data = self.valid(case)
        for mark_field in case.marks:
            data[mark_field] = MARK
        target = resolve(world, name)
        data[target] = value
        carries_mark = [key for key, text in data.items() if text == MARK and key != target]
        if self.baseline is None:
            self.baseline = stored_data()
        response = sender.send(case.who, "POST", case.url(world), data)
        label = f"{case.name}: {target}={shorten(value, 40)}"
        if response.status_code >= 500:
            self.problems.append(response.failure)
            self.baseline = None
            return
        refused = response.status_code != 302 or case.redirects_when_refused
        must_refuse = must_refuse or value in case.must_refuse.get(name, [])
        # A stale page is refused by showing the record as it is now (a redirect with a
        # message): refused means nothing was written.
        if must_refuse and response.status_code == 302 and stored_data() != self.baseline:
            self.problems.append(f"{label} was accepted: it must be refused")
        if "\x00" in value and (where := nul_stored()):
            self.problems.append(f"{label} stored a NUL character: {where}")
        if response.status_code == 302:
            self.baseline = None  # accepted (or said so on the next page): a new baseline
            return
        after = stored_data()
        if refused and after != self.baseline:
            changed = data_difference(self.baseline, after)
            self.problems.append(
                f"{label} was refused ({response.status_code}) but changed {changed}"
            )
            self.baseline = after
        content = response.content.decode(errors="replace")
        # Where the form is shown again, what was typed in its other fields is in it.
        shown_again = any(f'name="{key}"' in content for key in carries_mark)
        if response.status_code == 200 and shown_again and MARK not in content:
            self.problems.append(f"{label} was refused without showing the rest of what was typed")


@pytest.fixture
def judge(sender, world, open_quarter, count_okr, ratio_okr):
    from okrs import actions as okr_actions
    from okrs.periods import parse_period_label

    world.open_quarter = open_quarter
    world.closed_quarter = okr_actions.ensure_period(parse_period_label("Q2 2020/21"))
    sender.state = {}
    return Judge(sender, world, [])


def known_requests(case: FormCase) -> list[tuple[str, str]]:
    """(field, value) pairs: each value that must be refused in its field; a NUL in
    every text field; then each known bad value of a kind once, the kind's fields
    taking turns, so every field and every value is tried."""
    pairs = [(name, value) for name, values in case.must_refuse.items() for value in values]
    for kind, values in KINDS.items():
        names = [name for name, its_kind in case.fields.items() if its_kind == kind]
        if not names:
            continue
        if kind == "text":
            pairs += [(name, "a\x00b") for name in names]
        pairs += [
            (names[turn % len(names)], values[turn % len(values)])
            for turn in range(max(len(names), len(values)))
        ]
    return list(dict.fromkeys(pairs))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_field_copes_with_known_bad_values(judge, world, case):
    for name, value in known_requests(case):
        judge.post(case, name, value)
    for name, value, must_refuse in case.more(world) if case.more else []:
        judge.post(case, name, value, must_refuse=must_refuse)
    assert not judge.problems, "\n".join(judge.problems)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_field_copes_with_generated_values(judge, case):
    @generated(15)
    @given(
        name=st.sampled_from(sorted(case.fields)),
        value=st.one_of(
            st.text(max_size=60),
            st.text(alphabet="0123456789,.%£-−eE ", max_size=25),
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.dates().map(str),
        ),
    )
    def one_request(name, value):
        judge.post(case, name, value)

    one_request()
    assert not judge.problems, "\n".join(judge.problems)


def test_a_secretary_leaving_a_value_blank_does_not_delete_it(sender, world):
    """A correction with a value's field left empty keeps the value (taking a value
    away is a separate, deliberate choice)."""
    from okrs import actions as okr_actions
    from okrs.periods import parse_period_label

    closed = okr_actions.ensure_period(parse_period_label("Q2 2020/21"))
    kept = Result.objects.filter(unit=world.bucks, period=closed).order_by("pk").first()
    page = sender.send(SECRETARY, "GET", entry_url(closed))
    data = form_values(page) | {
        f"value_{kept.key_result_id}": "",
        "reason": "Correcting the comments",
        "submit": "1",
    }
    response = sender.send(SECRETARY, "POST", entry_url(closed), data)
    assert response.status_code != 500
    assert Result.objects.filter(pk=kept.pk, value=kept.value).exists(), (
        "the value was deleted by leaving its field blank"
    )


def test_an_upload_reason_copes_with_bad_text(sender):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problems = []
    for reason in [*TEXTS, "x" * 2001]:
        before = ResultUpload.objects.count()
        response = sender.send(
            SECRETARY,
            "POST",
            "/upload/",
            {"file": SimpleUploadedFile("results.csv", UPLOAD_CSV), "reason": reason},
        )
        if response.status_code >= 500:
            problems.append(response.failure)
        elif response.status_code != 302 and ResultUpload.objects.count() != before:
            problems.append(f"upload reason {shorten(reason, 30)}: refused, but stored")
        if "\x00" in reason and (where := nul_stored()):
            problems.append(f"upload reason with NUL stored: {where}")
    assert not problems, "\n".join(problems)


def follow_the_invitation(world, sender) -> str:
    """The invited lead follows their invitation's link, signed out: the page keeps
    its token in the session and sends them on to the form, whose address this is.
    The link works once, so each password is chosen from a new one."""
    world.invited.refresh_from_db()
    uid = urlsafe_base64_encode(str(world.invited.pk).encode())
    token = default_token_generator.make_token(world.invited)
    sender.send(ANONYMOUS, "GET", f"/accounts/set-password/{uid}/{token}/")
    return f"/accounts/set-password/{uid}/set-password/"


def test_a_password_chosen_from_an_invitation_copes_with_bad_text(sender, world):
    """The same text typed in both boxes (one box alone would be refused as not
    matching): never a server error, and a refused password leaves the account as
    it was."""
    passphrase = "a long and unusual passphrase"
    chosen = sender.send(
        ANONYMOUS,
        "POST",
        follow_the_invitation(world, sender),
        {"new_password1": passphrase, "new_password2": passphrase},
    )
    assert chosen.status_code == 302, "the invitation's link does not let them choose a password"
    problems = []
    refused = ["", "   ", "\x00", "a\x00b", "\r\n\r\n", "short", "12345678901234", "\x00" * 20]
    for password in dict.fromkeys([*TEXTS, *refused, "ivy.invited@nhs.net", "é" * 4097]):
        address = follow_the_invitation(world, sender)
        before = stored_data()
        response = sender.send(
            ANONYMOUS, "POST", address, {"new_password1": password, "new_password2": password}
        )
        label = f"password {shorten(password, 30)}"
        if response.status_code >= 500:
            problems.append(response.failure)
        elif response.status_code != 302 and (after := stored_data()) != before:
            problems.append(f"{label}: refused, but changed {data_difference(before, after)}")
        elif response.status_code == 302 and password in refused:
            problems.append(f"{label} was accepted: it must be refused")
    assert not problems, "\n".join(problems)
