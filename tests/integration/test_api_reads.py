"""The API's reads: who may call, what each caller sees, and every refusal as a
problem (RFC 9457). Expectations are the seeded papers' figures and the rules in
words (docs/api.md), not what the code returned once."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from api import actions
from api.models import ApiClient
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Result
from reporting.ipr import ipr_to_dict
from reporting.selectors import edition_report
from tests.api_world import Caller, administrator_of, make_api_client
from tests.conftest import make_unit_lead

pytestmark = pytest.mark.usefixtures("seeded")

PROBLEM = "application/problem+json"
SEEDED_QUARTERLY = [
    "quality-cccs-training",
    "quality-staff-sickness",
    "quality-patient-satisfaction",
]
SEEDED_UNITS = ["community-services", "oxon-bsw-mh", "bucks-mh", "specialised"]


@pytest.fixture
def administrator(users_by_role):
    return administrator_of(users_by_role)


def _q2_result(unit: str) -> Result:
    return Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug=unit, period__starts_on="2020-07-01"
    )


def _draft_for(unit_slug: str) -> Result:
    """A draft value for a unit: Q3 2020/21's CCCS training, written as the portal's
    own loads are written, then turned back into a draft."""
    unit = OrganisationalUnit.objects.get(slug=unit_slug)
    period = okr_actions.ensure_period(periods.quarter_span(2020, 3))
    okr_actions.record_results_as_system(
        entries=[
            okr_actions.ResultEntry(
                key_result=KeyResult.objects.get(code="quality-cccs-training"),
                period=period,
                unit=unit,
                value=Decimal("93.5"),
            )
        ],
        reason="Test draft",
    )
    result = Result.objects.get(unit=unit, period=period, key_result__code="quality-cccs-training")
    Result.objects.filter(pk=result.pk).update(status=Result.Status.DRAFT)
    return result


def test_the_openapi_document_and_its_page_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/?format=json", HTTP_HOST="localhost")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/results/batch/" in document["paths"]
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs/", HTTP_HOST="localhost")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html and "http://" not in html.replace("http://localhost", "")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer nonsense",
        "Bearer abcdefgh.0123456789012345678901234567890",  # right shape, no such client
        "Bearer " + "x" * 5000,
        "Bearer abcdefgh.01234567890123456789012345678901\x00",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_a_call_without_a_valid_key_or_session_is_refused_with_a_problem(header):
    caller = Caller()
    headers = {"Authorization": header} if header else {}
    response = caller.get("/api/v1/units/", **headers)
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]


def test_the_scheme_s_name_ignores_case(administrator):
    _, key = make_api_client(administrator)
    for scheme in ("bearer", "BEARER", "Bearer"):
        response = Caller().get("/api/v1/units/", Authorization=f"{scheme} {key}")
        assert response.status_code == 200, scheme


def test_a_wrong_secret_for_a_real_prefix_is_refused(administrator):
    _, key = make_api_client(administrator)
    prefix, _, secret = key.partition(".")
    wrong = prefix + "." + ("a" if secret[0] != "a" else "b") + secret[1:]
    assert Caller(wrong).get("/api/v1/units/").status_code == 401
    assert Caller(key).get("/api/v1/units/").status_code == 200


def test_a_revoked_client_is_refused_at_once(administrator):
    client, key = make_api_client(administrator)
    caller = Caller(key)
    assert caller.get("/api/v1/units/").status_code == 200
    actions.revoke_client(by=administrator, client=client, reason="Key leaked", seen_version=1)
    refused = caller.get("/api/v1/units/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def test_every_call_by_a_client_is_in_the_security_log(administrator, caplog):
    client, key = make_api_client(administrator)
    caplog.set_level("INFO", logger="strategy_portal.security")
    Caller(key).get("/api/v1/results/?unit=bucks-mh")
    calls = [
        json.loads(record.message) for record in caplog.records if "api_call" in record.message
    ]
    assert len(calls) == 1
    assert calls[0]["client"] == "Warehouse loader" and calls[0]["by"] == client.account.username
    assert (calls[0]["method"], calls[0]["path"]) == ("GET", "/api/v1/results/?unit=bucks-mh")
    assert key.partition(".")[2] not in json.dumps(calls[0])  # never the secret


def test_the_key_is_kept_only_as_a_hash_and_its_last_use_is_recorded(administrator):
    client, key = make_api_client(administrator)
    stored = ApiClient.objects.get(pk=client.pk)
    assert key not in stored.hashed_key and stored.hashed_key.startswith("sha512$$")
    assert stored.last_used_at is None
    Caller(key).get("/api/v1/units/")
    first = ApiClient.objects.get(pk=client.pk).last_used_at
    assert first is not None and timezone.now() - first < datetime.timedelta(minutes=1)
    Caller(key).get("/api/v1/units/")  # within the minute: not written again
    assert ApiClient.objects.get(pk=client.pk).last_used_at == first


def test_a_person_without_a_role_is_refused_and_a_viewer_reads(make_user, users_by_role):
    assert Caller(user=make_user("nobody")).get("/api/v1/units/").status_code == 403
    viewer = Caller(user=users_by_role[Role.VIEWER])
    units = viewer.get("/api/v1/units/")
    assert units.status_code == 200
    slugs = [unit["slug"] for unit in units.json()]
    assert {"trust", "bucks-mh", "specialised", "community-services", "oxon-bsw-mh"} <= set(slugs)


def test_okrs_come_with_their_definitions_and_targets(administrator):
    _, key = make_api_client(administrator)
    okr = Caller(key).get("/api/v1/okrs/quality-cccs-training/").json()
    assert okr["statement"] == "We will achieve 95% compliance in CCCS training"
    assert (okr["measure"], okr["direction"], okr["frequency"]) == (
        "percentage",
        "increase",
        "quarterly",
    )
    assert okr["tolerance"] == "2.0000" and okr["tolerance_kind"] == "absolute"
    assert okr["targets"][0] == {
        "unit": None,
        "value": "95.0000",
        "effective_from": "2020-04-01",
        "ends_on": None,
        "in_force": True,
    }
    assert Caller(key).get("/api/v1/okrs/no-such-okr/").status_code == 404
    listed = Caller(key).get("/api/v1/okrs/").json()
    assert "quality-cccs-training" in [item["code"] for item in listed]


def test_a_client_reads_only_the_results_of_its_units_drafts_included(administrator):
    draft = _draft_for("bucks-mh")
    other_draft = _draft_for("specialised")
    _, key = make_api_client(administrator, units=["bucks-mh"], can_write=False)
    caller = Caller(key)
    rows = caller.get("/api/v1/results/?page_size=1000").json()["results"]
    assert {row["unit"] for row in rows} == {"bucks-mh"}
    assert draft.pk in [row["id"] for row in rows]
    assert caller.get(f"/api/v1/results/{other_draft.pk}/").status_code == 404
    assert caller.get(f"/api/v1/results/{_q2_result('specialised').pk}/").status_code == 404
    bucks = caller.get(f"/api/v1/results/{_q2_result('bucks-mh').pk}/")
    assert bucks.status_code == 200 and bucks.json()["value"] == "92.0000"
    assert bucks["ETag"] == '"1"'


def test_a_lead_reads_every_submitted_value_and_only_their_own_drafts(make_user):
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    lead = make_unit_lead(make_user, bucks)
    own, other = _draft_for("bucks-mh"), _draft_for("specialised")
    rows = Caller(user=lead).get("/api/v1/results/?status=draft").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    submitted = Caller(user=lead).get("/api/v1/results/?unit=specialised&status=submitted")
    assert submitted.json()["count"] > 0
    assert other.pk not in [row["id"] for row in submitted.json()["results"]]


def test_results_are_filtered_by_okr_unit_and_periods(administrator):
    _, key = make_api_client(administrator, all_units=True, units=[])
    query = "okr=quality-cccs-training&period_from=2020-07-01&period_to=2020-07-01"
    rows = Caller(key).get(f"/api/v1/results/?{query}").json()["results"]
    # The seeded Q2 2020/21 figures (003): one per unit and the Trust.
    assert {row["unit"]: row["value"] for row in rows} == {
        "community-services": "94.0000",
        "oxon-bsw-mh": "94.0000",
        "bucks-mh": "92.0000",
        "specialised": "97.0000",
        "trust": "94.0000",
    }
    assert {row["period"] for row in rows} == {"Q2 2020/21"}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("period_from=2020-13-01", "period_from"),
        ("period_to=yesterday", "period_to"),
        ("okr=no-such-okr", "okr"),
        ("unit=nowhere", "unit"),
        ("frequency=hourly", "frequency"),
        ("status=maybe", "status"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
        ("page=-1", "page"),
        ("okr=" + "x" * 500, "okr"),
    ],
)
def test_a_bad_query_string_is_a_problem_naming_the_parameter(administrator, query, parameter):
    _, key = make_api_client(administrator)
    response = Caller(key).get(f"/api/v1/results/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]


def test_a_page_beyond_the_last_is_not_found_and_unknown_addresses_are_problems(administrator):
    _, key = make_api_client(administrator)
    assert Caller(key).get("/api/v1/results/?page=99999").status_code == 404
    for path in ("/api/v1/nothing/", "/api/v2/units/", "/api/v1/results/abc/"):
        response = Caller(key).get(path)
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_results_are_read_in_a_fixed_number_of_queries(
    administrator, django_assert_max_num_queries
):
    quarter = okr_actions.ensure_period(periods.quarter_span(2020, 3))
    okr_actions.record_results_as_system(
        entries=[
            okr_actions.ResultEntry(key_result=okr, period=quarter, unit=unit, value=Decimal(90))
            for okr in KeyResult.objects.filter(code__in=SEEDED_QUARTERLY)
            for unit in OrganisationalUnit.objects.filter(slug__in=SEEDED_UNITS)
        ],
        reason="More results to read",
    )
    _, key = make_api_client(administrator, all_units=True, units=[])
    caller = Caller(key)
    caller.get("/api/v1/units/")  # the first call of the minute writes last_used_at
    with django_assert_max_num_queries(8):
        few = caller.get("/api/v1/results/?page_size=5")
    with django_assert_max_num_queries(8):
        many = caller.get("/api/v1/results/?page_size=1000")
    assert len(few.json()["results"]) == 5 and len(many.json()["results"]) > 30


def test_the_same_caller_is_limited_and_told_when_to_come_back(administrator, monkeypatch):
    from api.throttling import CallerRateThrottle

    monkeypatch.setattr(CallerRateThrottle, "THROTTLE_RATES", {"caller": "3/min"})
    _, key = make_api_client(administrator)
    _, other_key = make_api_client(administrator, name="Another")
    caller = Caller(key)
    statuses = [caller.get("/api/v1/units/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = caller.get("/api/v1/units/")
    assert limited["Content-Type"] == PROBLEM and int(limited["Retry-After"]) > 0
    assert Caller(other_key).get("/api/v1/units/").status_code == 200  # its own allowance


def test_a_published_edition_is_the_frozen_report_and_drafts_are_for_preparers(
    administrator, users_by_role
):
    from reporting.actions import publish_ipr

    secretary = users_by_role[Role.BOARD_SECRETARY]
    edition = publish_ipr(
        by=secretary, data_month=datetime.date(2020, 9, 1), note="For the Board", reason="Tests"
    )
    _, key = make_api_client(administrator, can_write=False)
    client_caller = Caller(key)
    listed = client_caller.get("/api/v1/ipr/editions/").json()["results"]
    assert listed[0]["month"] == "2020-09" and listed[0]["revision"] == 1
    body = client_caller.get("/api/v1/ipr/editions/2020-09/1/").json()
    assert body["month"] == "2020-09" and body["revision"] == 1
    assert body["report"] == ipr_to_dict(edition_report(edition))
    assert client_caller.get("/api/v1/ipr/editions/2020-09/2/").status_code == 404
    assert client_caller.get("/api/v1/ipr/editions/2020-99/1/").status_code == 404
    # The draft: the people who prepare the report, never a client or a governor.
    assert client_caller.get("/api/v1/ipr/drafts/2020-10/").status_code == 403
    assert (
        Caller(user=users_by_role[Role.VIEWER]).get("/api/v1/ipr/drafts/2020-10/").status_code
        == 403
    )
    draft = Caller(user=secretary).get("/api/v1/ipr/drafts/2020-10/")
    assert draft.status_code == 200 and draft.json()["revision"] is None


def test_each_target_says_whether_it_is_in_force_today(
    administrator, django_assert_max_num_queries
):
    """CCCS training: the Trust's 95 from April 2020, then 96 from April 2026 (so
    95 is no longer in force); Bucks MH's own 90 from April 2020 (in force for Bucks,
    whatever the Trust's); Specialised's 97 for 2020/21 only (ended)."""
    okr = KeyResult.objects.get(code="quality-cccs-training")
    units = {unit.slug: unit for unit in OrganisationalUnit.objects.all()}
    for value, starts, unit, ends in (
        (96, datetime.date(2026, 4, 1), None, None),
        (90, datetime.date(2020, 4, 1), units["bucks-mh"], None),
        (97, datetime.date(2020, 4, 1), units["specialised"], datetime.date(2021, 3, 31)),
    ):
        okr_actions.set_target(
            by=administrator,
            key_result=okr,
            value=Decimal(value),
            effective_from=starts,
            unit=unit,
            ends_on=ends,
            reason="Tests",
        )
    _, key = make_api_client(administrator)
    caller = Caller(key)
    caller.get("/api/v1/units/")  # the first call of the minute writes last_used_at
    with django_assert_max_num_queries(8):
        listed = caller.get("/api/v1/okrs/").json()
    targets = next(item for item in listed if item["code"] == okr.code)["targets"]
    assert {(t["unit"], t["value"], t["in_force"]) for t in targets} == {
        (None, "95.0000", False),
        (None, "96.0000", True),
        ("bucks-mh", "90.0000", True),
        ("specialised", "97.0000", False),
    }


READ_ENDPOINTS = [
    "/api/v1/strategies/",
    "/api/v1/objectives/",
    "/api/v1/focus-areas/",
    "/api/v1/okrs/",
    "/api/v1/okrs/quality-cccs-training/",
    "/api/v1/units/",
    "/api/v1/periods/",
    "/api/v1/results/",
    "/api/v1/ipr/editions/",
]


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_every_read_endpoint_by_client_scope(administrator, path):
    """Every client reads the strategy and the published reports; a revoked one
    reads nothing; the draft report is for no client."""
    _, one_unit = make_api_client(administrator, units=["bucks-mh"], can_write=False)
    _, everywhere = make_api_client(administrator, name="BI", all_units=True, units=[])
    revoked, revoked_key = make_api_client(administrator, name="Old loader")
    actions.revoke_client(by=administrator, client=revoked, reason="Replaced", seen_version=1)
    assert Caller(one_unit).get(path).status_code == 200
    assert Caller(everywhere).get(path).status_code == 200
    assert Caller(revoked_key).get(path).status_code == 401
    assert Caller(everywhere).get("/api/v1/ipr/drafts/2020-09/").status_code == 403


def test_results_differ_by_client_scope(administrator):
    _, one_unit = make_api_client(administrator, units=["bucks-mh"], can_write=False)
    _, everywhere = make_api_client(administrator, name="BI", all_units=True, units=[])
    query = "/api/v1/results/?okr=quality-cccs-training&period_from=2020-07-01"
    assert Caller(one_unit).get(query).json()["count"] == 1  # Bucks MH's Q2 value
    assert Caller(everywhere).get(query).json()["count"] == 5  # and 3 more units and the Trust
