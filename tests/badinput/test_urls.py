"""Malformed URL parts and query parameters: never a server error, and a GET never
writes (the number of rows in every table is the same after it).

Known cases are listed; Hypothesis adds generated ones (derandomised, so CI runs
the same requests every time)."""

from urllib.parse import quote

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st

from tests.badinput.conftest import ADMINISTRATOR, EXECUTIVE, GENERATED, SECRETARY, VIEWER
from tests.portal_world import ANONYMOUS, PUBLISHED_MONTH, live_api_client

BAD_MONTHS = [
    "0001-01",
    "1900-01",
    "3000-06",
    "9999-11",
    "9999-12",
    "2026-13",
    "2026-00",
    "2026-1",
    "10000-01",
    "2026-10-01",
    "2026/10",
    "<script>",
    "",
    "２０２６-10",
    "٢٠٢٦-١٠",
    "2026-10\n",
    " 2026-10",
    "-2026-10",
    "\x00",
    "x" * 500,
]
BAD_INTS = ["0", "00001", "2147483648", "9223372036854775808", "99999999999999999999", "9" * 60]
BAD_SLUGS = ["é", "ｑuality", "-", "_", "a" * 300, "QUALITY-CCCS-TRAINING", "%00", "..", "a b"]
# An invitation's link: the account's id in base64 (of anything but an account's id,
# or not base64 at all), and a made-up token (or the page's own marker for one).
BAD_UIDS = [
    *(
        urlsafe_base64_encode(text.encode())
        for text in ("0", "-1", "1.5", "99999999999999999999", "9" * 60, "abc", "\x00", "１")
    ),
    "",
    "=",
    "MQ==",
    "é",
    "a" * 300,
    "%00",
    "..",
]
BAD_TOKENS = [
    "",
    "set-password",
    "x",
    "0-0",
    "zzzzzzzzzz-" + "f" * 32,
    "1-" + "f" * 300,
    "é",
    "%00",
    "..",
]

# Each page with a part of its path to vary: (template, who, {part: kind}, method).
# The others parts are real, so the varied part is what the page has to cope with.
PATHS = [
    ("/ipr/{month}/", VIEWER, "GET"),
    ("/ipr/{month}/", ADMINISTRATOR, "GET"),
    ("/ipr/{month}/publish/", SECRETARY, "POST"),
    ("/ipr/{month}/packs/", SECRETARY, "POST"),
    ("/ipr/{month}/packs/{export}/", SECRETARY, "GET"),
    ("/ipr/{month}/packs/{export}/status/", SECRETARY, "GET"),
    ("/ipr/files/{file}/", SECRETARY, "GET"),
    ("/ipr/{month}/revisions/{revision}/cover/", SECRETARY, "GET"),
    ("/ipr/{month}/revisions/{revision}/data.csv", VIEWER, "GET"),
    ("/ipr/{month}/revisions/{revision}/data.parquet", VIEWER, "GET"),
    ("/ipr/{month}/objectives/{objective}/summary/", EXECUTIVE, "GET"),
    ("/ipr/{month}/objectives/{objective}/okrs/{code}/commentary/", EXECUTIVE, "GET"),
    ("/objectives/{objective}/", VIEWER, "GET"),
    ("/focus-areas/{focus_area}/", VIEWER, "GET"),
    ("/strategies/{slug}/", VIEWER, "GET"),
    ("/okrs/{code}/", VIEWER, "GET"),
    ("/submissions/{unit}/{period}/", SECRETARY, "GET"),
    ("/submissions/{unit}/{period}/template.{fmt}", SECRETARY, "GET"),
    ("/results/{result}/history/", VIEWER, "GET"),
    ("/tracking/{period}/", SECRETARY, "GET"),
    ("/manage/okrs/{code}/target/", ADMINISTRATOR, "GET"),
    ("/manage/okrs/{code}/achieve/", ADMINISTRATOR, "GET"),
    ("/manage/okrs/{code}/retire/", ADMINISTRATOR, "GET"),
    ("/manage/rules/objectives/{objective}/", ADMINISTRATOR, "GET"),
    ("/manage/rules/objectives/{objective}/", ADMINISTRATOR, "POST"),
    ("/manage/rules/okrs/{code}/tolerance/", ADMINISTRATOR, "GET"),
    ("/manage/rules/okrs/{code}/tolerance/", ADMINISTRATOR, "POST"),
    ("/manage/rules/okrs/{code}/definition/", ADMINISTRATOR, "GET"),
    ("/manage/rules/okrs/{code}/definition/", ADMINISTRATOR, "POST"),
    ("/upload/{upload}/", SECRETARY, "GET"),
    ("/manage/users/{user}/", ADMINISTRATOR, "GET"),
    ("/manage/users/{user}/", ADMINISTRATOR, "POST"),
    ("/manage/users/{user}/{change}/", ADMINISTRATOR, "GET"),
    ("/manage/users/{user}/{change}/", ADMINISTRATOR, "POST"),
    ("/manage/users/{user}/invite-again/", ADMINISTRATOR, "POST"),
    ("/manage/api-clients/{client}/", ADMINISTRATOR, "GET"),
    ("/manage/api-clients/{client}/revoke/", ADMINISTRATOR, "POST"),
    ("/accounts/set-password/{uid}/{token}/", ANONYMOUS, "GET"),
]
KIND = {
    "month": "month",
    "code": "slug",
    "slug": "slug",
    "unit": "slug",
    "fmt": "fmt",
    "change": "slug",
    "uid": "uid",
    "token": "token",
}
BAD_BY_KIND = {
    "month": BAD_MONTHS,
    "slug": [*BAD_SLUGS, "delete", "DEACTIVATE", "invite-again"],
    "int": BAD_INTS,
    "fmt": ["", "pdf", "CSV", "csv ", "xlsx.exe", "<script>", "é"],
    "uid": BAD_UIDS,
    "token": BAD_TOKENS,
}


def real_parts(world) -> dict[str, str]:
    return {
        "month": PUBLISHED_MONTH,
        "export": str(world.published_export.pk),
        "file": str(world.published_file.pk),
        "revision": "1",
        "objective": str(world.quality.pk),
        "focus_area": str(world.quality.focus_areas.first().pk),
        "code": "quality-cccs-training",
        "slug": "business-plan-fy18",
        "unit": "bucks-mh",
        "period": str(world.quarter.pk),
        "fmt": "csv",
        "result": str(world.result.pk),
        "upload": str(world.upload.pk),
        "user": str(world.invited.pk),
        "client": str(live_api_client(world).pk),
        "change": "deactivate",
        "uid": urlsafe_base64_encode(str(world.invited.pk).encode()),
        "token": default_token_generator.make_token(world.invited),
    }


def parts_of(template: str) -> list[str]:
    return [piece.split("}")[0] for piece in template.split("{")[1:]]


def fill(template: str, parts: dict[str, str], varied: str, value: str) -> str:
    values = {name: quote(text, safe="") for name, text in parts.items()}
    values[varied] = quote(value, safe="")
    return template.format(**values)


def send(sender, who, method, path, data, problems):
    if method == "GET":
        return sender.get(who, path, data, problems=problems)
    response = sender.send(who, "POST", path, data)
    if response.status_code >= 500:
        problems.append(response.failure)
    return response


def test_every_path_part_copes_with_known_bad_values(sender, world):
    problems: list[str] = []
    parts = real_parts(world)
    for template, who, method in PATHS:
        for varied in parts_of(template):
            for value in BAD_BY_KIND[KIND.get(varied, "int")]:
                send(sender, who, method, fill(template, parts, varied, value), {}, problems)
    assert not problems, "\n".join(problems)


def test_every_path_part_copes_with_generated_values(sender, world):
    problems: list[str] = []
    parts = real_parts(world)

    @GENERATED
    @given(
        route=st.sampled_from(PATHS),
        value=st.one_of(
            st.text(max_size=30),
            st.integers(min_value=0, max_value=10**30).map(str),
            st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}", fullmatch=True),
        ),
        pick=st.integers(min_value=0, max_value=5),
    )
    def one_request(route, value, pick):
        template, who, method = route
        varied = parts_of(template)[pick % len(parts_of(template))]
        send(sender, who, method, fill(template, parts, varied, value), {}, problems)

    one_request()
    assert not problems, "\n".join(problems)


# --- Query parameters: every one a view reads ------------------------------------------

BAD_QUERY_VALUES = [
    "",
    "-1",
    "0",
    "99999999999999999999",
    "²",
    "１２",
    "<script>",
    "2026/10",
    "9999-12-31",
    "0001-01-01",
    "\x00",
    "x" * 5000,
]

# (path or a function of the world, parameter, who)
QUERIES = [
    ("/ipr/", "month", VIEWER),
    (f"/ipr/{PUBLISHED_MONTH}/", "revision", VIEWER),
    (f"/ipr/{PUBLISHED_MONTH}/", "draft", ADMINISTRATOR),
    ("/audit/", "unit", ADMINISTRATOR),
    ("/audit/", "key_result", ADMINISTRATOR),
    ("/audit/", "person", ADMINISTRATOR),
    ("/audit/", "date_from", ADMINISTRATOR),
    ("/audit/", "date_to", ADMINISTRATOR),
    ("/audit/", "page", ADMINISTRATOR),
    ("/tracking/", "period", SECRETARY),
    ("/manage/okrs/add/", "focus_area", ADMINISTRATOR),
    ("/okrs/quality-cccs-training/", "page", VIEWER),
    ("/okrs/quality-cccs-training/", "per_page", VIEWER),
    ("/okrs/quality-cccs-training/", "sort", VIEWER),
    ("/manage/users/", "search", ADMINISTRATOR),
    ("/manage/users/", "role", ADMINISTRATOR),
    ("/manage/users/", "status", ADMINISTRATOR),
    ("/manage/users/", "page", ADMINISTRATOR),
    ("/manage/api-clients/", "page", ADMINISTRATOR),
]

# Combinations known to have broken a page.
KNOWN_QUERIES = [
    ("/audit/", {"date_from": "9999-12-31", "date_to": "9999-12-31"}, ADMINISTRATOR),
    ("/audit/", {"date_from": "0001-01-01", "date_to": "0001-01-01"}, ADMINISTRATOR),
    ("/audit/", {"date_from": "9999-12-31"}, ADMINISTRATOR),
    ("/audit/", {"date_to": "9999-12-31"}, ADMINISTRATOR),
    ("/ipr/", {"month": "2026/10"}, VIEWER),
    ("/ipr/", {"month": "<script>"}, VIEWER),
    ("/okrs/quality-cccs-training/", {"per_page": "-1"}, VIEWER),
    ("/okrs/quality-cccs-training/", {"per_page": "0"}, VIEWER),
    ("/okrs/quality-cccs-training/", {"page": "-1", "per_page": "1"}, VIEWER),
    (f"/ipr/{PUBLISHED_MONTH}/", {"draft": "1", "revision": "1"}, ADMINISTRATOR),
    (f"/ipr/{PUBLISHED_MONTH}/", {"revision": "999999999999999999999"}, VIEWER),
    ("/manage/users/", {"role": "none", "status": "invited", "search": "ivy"}, ADMINISTRATOR),
    ("/manage/users/", {"role": "Directorate lead", "status": "Invited"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "%"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "_"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "\\"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "'; --"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "a" * 100}, ADMINISTRATOR),
    ("/manage/users/", {"search": "a" * 101, "role": "viewer"}, ADMINISTRATOR),
    ("/manage/users/", {"search": "é" * 100_000}, ADMINISTRATOR),
    ("/manage/users/", {"page": "last"}, ADMINISTRATOR),
    ("/manage/users/", {"page": "1.5"}, ADMINISTRATOR),
    ("/manage/users/", {"page": "2", "status": "deactivated"}, ADMINISTRATOR),
    ("/manage/api-clients/", {"page": "last"}, ADMINISTRATOR),
    ("/manage/api-clients/", {"page": "1.5"}, ADMINISTRATOR),
]


def test_every_query_parameter_copes_with_known_bad_values(sender):
    problems: list[str] = []
    for path, parameter, who in QUERIES:
        for value in BAD_QUERY_VALUES:
            sender.get(who, path, {parameter: value}, problems=problems)
        # A parameter given twice, or as a list.
        sender.get(who, path, {parameter: ["1", "2"]}, problems=problems)
    for path, query, who in KNOWN_QUERIES:
        sender.get(who, path, query, problems=problems)
    assert not problems, "\n".join(problems)


def test_every_query_parameter_copes_with_generated_values(sender):
    problems: list[str] = []

    @GENERATED
    @given(
        query=st.sampled_from(QUERIES),
        value=st.one_of(
            st.text(max_size=40),
            st.integers(min_value=-(10**25), max_value=10**25).map(str),
            st.dates().map(str),
            st.from_regex(r"[0-9]{1,5}[-/][0-9]{1,3}([-/][0-9]{1,3})?", fullmatch=True),
        ),
    )
    def one_request(query, value):
        path, parameter, who = query
        sender.get(who, path, {parameter: value}, problems=problems)

    one_request()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("month", ["0001-01", "1900-01", "3000-06", "9999-11"])
def test_a_narrative_page_for_a_far_month_creates_no_period(sender, world, month):
    """Opening the page writes nothing: a period is made only when a narrative is saved."""
    problems: list[str] = []
    for path in (
        f"/ipr/{month}/objectives/{world.quality.pk}/summary/",
        f"/ipr/{month}/objectives/{world.quality.pk}/okrs/quality-cccs-training/commentary/",
    ):
        sender.get(EXECUTIVE, path, problems=problems)
    assert not problems, "\n".join(problems)
