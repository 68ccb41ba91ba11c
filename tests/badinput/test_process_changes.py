"""Malformed requests to the process-change pages: bad URL parts, and bad values in
each field of the record, change and withdraw forms. Never a server error; a GET
never writes; a refused form stores nothing; no NUL character is ever stored."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.actions import record_process_change
from reporting.models import ProcessChange
from tests.badinput.conftest import ADMINISTRATOR, generated, shorten
from tests.badinput.test_forms import CHOICES, DATES, NUMBERS, TEXTS
from tests.badinput.test_urls import BAD_INTS, BAD_SLUGS

CODE = "quality-cccs-training"


def a_change(world) -> ProcessChange:
    """The process change on the quality OKR for Bucks (recorded again once withdrawn)."""
    existing = ProcessChange.objects.filter(key_result=world.quality_okr, unit=world.bucks)
    return existing.order_by("pk").first() or record_process_change(
        by=world.users[ADMINISTRATOR],
        key_result=world.quality_okr,
        unit=world.bucks,
        starts_on=datetime.date(2021, 7, 1),
        reason="New triage pathway",
    )


@pytest.fixture
def change(world) -> ProcessChange:
    return a_change(world)


def stored() -> list[tuple]:
    return list(
        ProcessChange.objects.order_by("pk").values_list(
            "pk", "unit_id", "starts_on", "reason", "baseline_values", "version"
        )
    )


def nul_stored() -> bool:
    rows = ProcessChange.history.values_list("reason", "history_change_reason")
    return any("\x00" in (text or "") for row in rows for text in row)


def paths(change: ProcessChange, code: str = CODE, pk: str | None = None) -> list[str]:
    pk = str(change.pk) if pk is None else pk
    base = f"/manage/okrs/{code}/process-changes/"
    return [base, f"{base}record/", f"{base}{pk}/", f"{base}{pk}/withdraw/"]


def test_bad_url_parts_are_not_found_never_a_server_error(sender, change):
    problems: list[str] = []
    for slug in BAD_SLUGS:
        for path in paths(change, code=slug):
            sender.get(ADMINISTRATOR, path, problems=problems)
    for number in BAD_INTS:
        if int(number) == change.pk:
            continue  # "00001" can be the change's own id: found, as it should be
        for path in paths(change, pk=number)[2:]:
            response = sender.get(ADMINISTRATOR, path, problems=problems)
            if response.status_code != 404:
                problems.append(f"GET {path}: {response.status_code}, not 404")
            response = sender.send(ADMINISTRATOR, "POST", path, {"reason": "x"})
            if response.status_code != 404:
                problems.append(f"POST {path}: {response.status_code}, not 404")
    assert not problems, "\n".join(problems)


# Each form: its address, a valid submission, and the kind of each field.
FORMS = {
    "record": (
        lambda c: f"/manage/okrs/{CODE}/process-changes/record/",
        lambda c: {
            "unit": str(c.unit_id),
            "starts_on": "2021-10-01",
            "reason": "Counting changed",
            "baseline_values": "12",
        },
        {"unit": "choice", "starts_on": "date", "reason": "text", "baseline_values": "number"},
    ),
    "change": (
        lambda c: f"/manage/okrs/{CODE}/process-changes/{c.pk}/",
        lambda c: {
            "version": str(c.version),
            "starts_on": "2021-10-01",
            "reason": "Opened later",
            "baseline_values": "",
            "change_reason": "Corrected",
        },
        {
            "version": "number",
            "starts_on": "date",
            "reason": "text",
            "baseline_values": "number",
            "change_reason": "text",
        },
    ),
    "withdraw": (
        lambda c: f"/manage/okrs/{CODE}/process-changes/{c.pk}/withdraw/",
        lambda c: {"version": str(c.version), "reason": "In error"},
        {"version": "number", "reason": "text"},
    ),
}
KNOWN = {"text": TEXTS, "number": NUMBERS, "date": DATES, "choice": CHOICES}


def post_one(sender, form: str, name: str, value: str, problems: list[str]):
    """Post the form's valid data with `value` in `name`; note any server error, any
    change made by a refused post, and any NUL stored."""
    address, valid, _ = FORMS[form]
    current = a_change(sender.world)
    data = valid(current) | {name: value}
    before = stored()
    response = sender.send(ADMINISTRATOR, "POST", address(current), data)
    label = f"{form}: {name}={shorten(value, 40)}"
    if response.status_code >= 500:
        problems.append(response.failure)
    elif response.status_code != 302 and stored() != before:
        problems.append(f"{label} was refused ({response.status_code}) but changed the data")
    if nul_stored():
        problems.append(f"{label} stored a NUL character")
    return response


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_field_copes_with_known_bad_values(sender, change, form):
    problems: list[str] = []
    for name, kind in FORMS[form][2].items():
        for value in KNOWN[kind]:
            post_one(sender, form, name, value, problems)
    assert not problems, "\n".join(problems)


def test_a_baseline_out_of_range_or_a_long_reason_is_always_refused(sender, change):
    problems: list[str] = []
    bad = [("baseline_values", v) for v in ["0", "1", "61", "-12", "12.5", "1e1", "１２"]]
    for name, value in [*bad, ("reason", "x" * 2001), ("reason", " \x00 ")]:
        response = post_one(sender, "record", name, value, problems)
        if response.status_code != 200:
            problems.append(f"{name}={shorten(value)}: {response.status_code}, not a form error")
    assert ProcessChange.objects.count() == 1
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("form", ["record", "change"])
def test_every_field_copes_with_generated_values(sender, change, form):
    problems: list[str] = []

    @generated(40)
    @given(
        name=st.sampled_from(sorted(FORMS[form][2])),
        value=st.one_of(
            st.text(max_size=60),
            st.integers(min_value=-(10**20), max_value=10**20).map(str),
            st.dates().map(str),
        ),
    )
    def one_request(name, value):
        post_one(sender, form, name, value, problems)

    one_request()
    assert not problems, "\n".join(problems)
