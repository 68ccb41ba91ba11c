"""Malformed requests to the API: path parts, query strings, keys and bodies, known
and generated. Never a server error; a GET never adds or removes a row; a refused
write changes nothing; every refusal is a problem (RFC 9457), not a page."""

import json
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from api.throttling import CallerRateThrottle
from tests.api_world import make_api_client
from tests.badinput.conftest import ADMINISTRATOR, GENERATED, SECRETARY, stored_data
from tests.badinput.test_urls import BAD_INTS, BAD_MONTHS, BAD_SLUGS
from tests.portal_world import ANONYMOUS, PUBLISHED_MONTH

PROBLEM = "application/problem+json"
KEY = "key"  # sent with the client's key, logged out


@pytest.fixture
def key(world, monkeypatch) -> str:
    """A client of every unit that may write, with no limit on its calls here."""
    monkeypatch.setattr(CallerRateThrottle, "THROTTLE_RATES", {"caller": "1000000/min"})
    _, key = make_api_client(world.users[ADMINISTRATOR], all_units=True, units=[])
    return key


def _headers(who: str, key: str) -> tuple[str, dict]:
    if who == KEY:
        return ANONYMOUS, {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return who, {}


def _is_problem(response, where: str, problems: list[str]) -> None:
    if response.status_code >= 400 and response["Content-Type"] != PROBLEM:
        problems.append(f"{where} → {response.status_code} {response['Content-Type']}")


def _get(sender, who, key, path, data, problems):
    person, extra = _headers(who, key)
    sender.as_(person)
    response = sender.get(person, path, data, problems=problems) if not extra else None
    if extra:
        from tests.portal_world import changed_tables, row_counts

        before = row_counts()
        response = sender.send(person, "GET", path, data, **extra)
        if response.status_code >= 500:
            problems.append(response.failure)
        if changed_tables(before, row_counts()):
            problems.append(f"GET {path} {data} wrote rows")
    _is_problem(response, f"GET {path} {str(data)[:60]}", problems)


def _paths(world) -> list[tuple[str, str]]:
    """Each path with a part to vary (`{}`), and the kind of bad values it takes."""
    return [
        ("/api/v1/results/{}/", "int"),
        ("/api/v1/okrs/{}/", "slug"),
        ("/api/v1/ipr/editions/{}/1/", "month"),
        (f"/api/v1/ipr/editions/{PUBLISHED_MONTH}/{{}}/", "int"),
        ("/api/v1/ipr/drafts/{}/", "month"),
    ]


BAD = {"int": BAD_INTS, "slug": BAD_SLUGS, "month": BAD_MONTHS}


@pytest.mark.parametrize("who", [KEY, SECRETARY])
def test_api_paths_cope_with_known_bad_values(sender, world, key, who):
    problems: list[str] = []
    for template, kind in _paths(world):
        for value in BAD[kind]:
            _get(sender, who, key, template.format(quote(value, safe="")), {}, problems)
    assert not problems, "\n".join(problems)


QUERY_PARAMETERS = [
    "okr",
    "unit",
    "frequency",
    "period_from",
    "period_to",
    "status",
    "page",
    "page_size",
    "strategy",
]


def test_api_query_strings_cope_with_generated_values(sender, world, key):
    problems: list[str] = []

    @GENERATED
    @given(
        path=st.sampled_from(
            ["/api/v1/results/", "/api/v1/okrs/", "/api/v1/objectives/", "/api/v1/ipr/editions/"]
        ),
        query=st.dictionaries(
            st.sampled_from(QUERY_PARAMETERS),
            st.one_of(
                st.text(max_size=40),
                st.integers(min_value=-(10**25), max_value=10**25).map(str),
                st.dates().map(str),
            ),
            max_size=4,
        ),
        who=st.sampled_from([KEY, SECRETARY]),
    )
    def one_request(path, query, who):
        _get(sender, who, key, path, query, problems)

    one_request()
    assert not problems, "\n".join(problems)


def test_api_keys_cope_with_generated_headers(sender, world):
    problems: list[str] = []

    @GENERATED
    @given(header=st.one_of(st.text(max_size=120), st.text(max_size=80).map("Bearer {}".format)))
    def one_request(header):
        try:
            header.encode("latin-1")
        except UnicodeEncodeError:
            return  # not a header a client can send
        response = sender.send(ANONYMOUS, "GET", "/api/v1/units/", HTTP_AUTHORIZATION=header)
        if response.status_code >= 500:
            problems.append(response.failure)
        elif response.status_code not in (401, 403):
            problems.append(f"Authorization {header!r} → {response.status_code}")

    one_request()
    assert not problems, "\n".join(problems)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
ROW_FIELDS = [
    "okr_code",
    "unit",
    "period",
    "value",
    "comment",
    "numerator",
    "denominator",
    "version",
]


def _rows(world):
    return st.lists(
        st.fixed_dictionaries(
            {},
            optional={name: st.one_of(JSON_VALUES, st.just("")) for name in ROW_FIELDS}
            | {
                "okr_code": st.sampled_from([world.quality_okr.code, "x", ""]),
                "unit": st.sampled_from(["bucks-mh", "Bucks MH", "trust", "nowhere"]),
                "period": st.sampled_from([world.quarter.label, "Q2 2020/21", "Smarch"]),
            },
        ),
        max_size=5,
    )


def test_api_writes_cope_with_generated_bodies(sender, world, key):
    """Generated batches and corrections: anything refused leaves the data as it was."""
    problems: list[str] = []

    @GENERATED
    @given(
        body=st.one_of(
            JSON_VALUES,
            st.fixed_dictionaries(
                {"rows": _rows(world)},
                optional={"submit": JSON_VALUES, "reason": JSON_VALUES, "dry_run": JSON_VALUES},
            ),
        ),
        target=st.sampled_from(["batch", "put"]),
        who=st.sampled_from([KEY, SECRETARY]),
    )
    def one_request(body, target, who):
        person, extra = _headers(who, key)
        before = stored_data()
        if target == "batch":
            path = "/api/v1/results/batch/"
            sender.as_(person)
            response = sender.client.post(
                path, json.dumps(body), content_type="application/json", **extra
            )
        else:
            path = f"/api/v1/results/{world.result.pk}/"
            sender.as_(person)
            response = sender.client.put(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_IF_MATCH=f'"{world.result.version}"',
                **extra,
            )
        from tests.badinput.conftest import TALLY

        TALLY.requests += 1
        if response.status_code >= 500:
            problems.append(f"{target} {str(body)[:80]} as {who} → {response.status_code}")
        elif response.status_code != 200 and stored_data() != before:
            problems.append(f"{target} {str(body)[:80]} as {who} was refused but wrote")
        _is_problem(response, f"{target} {str(body)[:60]}", problems)

    sender.client.raise_request_exception = False
    one_request()
    assert not problems, "\n".join(problems)


def test_api_if_match_copes_with_generated_headers(sender, world, key):
    """Whatever If-Match says, a correction is refused plainly (412 or 428) unless it
    names the stored version, and a refused one changes nothing."""
    problems: list[str] = []
    path = f"/api/v1/results/{world.result.pk}/"

    @GENERATED
    @given(header=st.one_of(st.text(max_size=30), st.text(max_size=12).map('"{}"'.format)))
    @example(header='"²"')
    @example(header="*")
    @example(header='W/"1", "2"')
    @example(header='"' + "9" * 30 + '"')
    def one_request(header):
        try:
            header.encode("latin-1")
        except UnicodeEncodeError:
            return  # not a header a client can send
        before = stored_data()
        sender.as_(SECRETARY)
        response = sender.client.put(
            path,
            json.dumps({"value": "1", "reason": "Generated"}),
            content_type="application/json",
            HTTP_IF_MATCH=header,
        )
        from tests.badinput.conftest import TALLY

        TALLY.requests += 1
        if response.status_code >= 500:
            problems.append(f"If-Match {header!r} → {response.status_code}")
        elif response.status_code != 200 and stored_data() != before:
            problems.append(f"If-Match {header!r} was refused but wrote")

    sender.client.raise_request_exception = False
    one_request()
    assert not problems, "\n".join(problems)
