"""Writing results through the API: the planner's rules (windows, units, reasons,
comments, all or nothing), optimistic locking by If-Match and by row versions, the
client recorded as the actor, and a batch that leaves exactly what the same rows
uploaded as a spreadsheet leave. Expected figures and ratings are worked by hand from
the seeded OKRs' targets and tolerances (fixtures/strategies/2021-26-trust-strategy.yaml)."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import imports, periods
from okrs.models import Result
from okrs.selectors.audit_log import AuditFilters, audit_page
from reporting.ipr import assemble_ipr, forget_recent_reports
from tests.api_world import Caller, administrator_of, make_api_client
from tests.conftest import add_active_okr, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")

BATCH = "/api/v1/results/batch/"
PROBLEM = "application/problem+json"
REASON = "Corrected after validation"


@pytest.fixture
def administrator(users_by_role):
    return administrator_of(users_by_role)


@pytest.fixture
def secretary(users_by_role):
    return users_by_role[Role.BOARD_SECRETARY]


@pytest.fixture
def open_month():
    """Last month, with its entry window open today, and a monthly OKR for it:
    'higher is better', target 90 (no tolerance)."""
    today = timezone.localdate()
    span = periods.previous_span(periods.span_containing(periods.MONTHLY, today))
    period = period_open_today(span)
    objective = StrategicObjective.objects.filter(strategy__is_current=True).first()
    okr = add_active_okr(
        objective, "api-monthly", frequency=periods.MONTHLY, target=90, target_from=span.starts_on
    )
    return okr, period


def row(okr_code, unit, period, value, comment="", **extra):
    return {
        "okr_code": okr_code,
        "unit": unit,
        "period": period,
        "value": value,
        "comment": comment,
        **extra,
    }


def stored(okr_code: str, unit: str, starts_on) -> Result | None:
    return Result.objects.filter(
        key_result__code=okr_code, unit__slug=unit, period__starts_on=starts_on
    ).first()


def test_a_client_submits_its_unit_s_values_in_the_window_recorded_as_itself(
    administrator, open_month
):
    okr, period = open_month
    client, key = make_api_client(administrator, units=["bucks-mh"])
    response = Caller(key).post(BATCH, {"rows": [row(okr.code, "Bucks MH", period.label, "91.5")]})
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["new"] == 1 and response.json()["saved"] == 1
    result = stored(okr.code, "bucks-mh", period.starts_on)
    assert result.value == Decimal("91.5") and result.status == Result.Status.SUBMITTED
    assert result.entered_by == client.account
    record = result.history.latest()
    assert record.history_user == client.account and record.history_change_reason == "Submitted"
    entry = audit_page(AuditFilters(unit=OrganisationalUnit.objects.get(slug="bucks-mh"))).entries[
        0
    ]
    assert entry.who == "API client Warehouse loader (responsible: trust_administrator)"


def test_a_draft_batch_keeps_drafts_and_a_dry_run_writes_nothing(administrator, open_month):
    okr, period = open_month
    _, key = make_api_client(administrator, units=["bucks-mh"])
    rows = [row(okr.code, "bucks-mh", period.label, "92")]
    dry = Caller(key).post(BATCH, {"rows": rows, "dry_run": True})
    assert dry.status_code == 200 and dry.json()["saved"] == 0 and dry.json()["dry_run"] is True
    assert dry.json()["rows"] == [{"row": 1, "outcome": "new", "messages": []}]
    assert stored(okr.code, "bucks-mh", period.starts_on) is None
    draft = Caller(key).post(BATCH, {"rows": rows, "submit": False})
    assert draft.status_code == 200 and draft.json()["submitted"] is False
    assert stored(okr.code, "bucks-mh", period.starts_on).status == Result.Status.DRAFT


def test_a_client_cannot_write_another_unit_or_a_closed_period(administrator, open_month):
    okr, period = open_month
    _, key = make_api_client(administrator, units=["bucks-mh"])
    other = Caller(key).post(BATCH, {"rows": [row(okr.code, "Specialised", period.label, "95")]})
    assert other.status_code == 422 and other["Content-Type"] == PROBLEM
    assert other.json()["errors"][0] == {
        "row": 1,
        "pointer": "/rows/0",
        "detail": "You cannot enter results for Specialised.",
    }
    assert stored(okr.code, "specialised", period.starts_on) is None
    # Q2 2020/21 closed on 30 November 2020: a lead (and a client) may not change it.
    closed = Caller(key).post(
        BATCH, {"rows": [row("quality-cccs-training", "bucks-mh", "Q2 2020/21", "95")]}
    )
    assert closed.status_code == 422
    assert "closed on 30 November 2020" in closed.json()["errors"][0]["detail"]
    assert stored("quality-cccs-training", "bucks-mh", "2020-07-01").value == Decimal(92)


def test_a_read_only_client_cannot_write(administrator, open_month):
    okr, period = open_month
    _, key = make_api_client(administrator, can_write=False)
    response = Caller(key).post(BATCH, {"rows": [row(okr.code, "bucks-mh", period.label, "9")]})
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM


def test_one_bad_row_saves_nothing_and_each_refused_row_is_named(administrator, open_month):
    okr, period = open_month
    _, key = make_api_client(administrator, units=["bucks-mh"])
    rows = [
        row(okr.code, "bucks-mh", period.label, "91"),
        row(okr.code, "bucks-mh", "Smarch 2026", "91"),
        row("no-such-okr", "bucks-mh", period.label, "91"),
        # Misses the target of 90 with no tolerance: a person explains it.
        row(okr.code, "bucks-mh", period.label, "80"),
    ]
    response = Caller(key).post(BATCH, {"rows": rows})
    assert response.status_code == 422
    errors = {
        error["row"]: error["detail"] for error in response.json()["errors"] if "row" in error
    }
    assert set(errors) == {1, 2, 3, 4}  # 1 and 4 repeat each other
    assert "Smarch 2026 is not a period" in errors[2]
    assert errors[3] == "There is no OKR with the code no-such-okr"
    assert "Row 4 also gives this OKR, unit and period" in errors[1]
    assert Result.objects.filter(key_result=okr).count() == 0


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({}, "/rows"),
        ({"rows": []}, "/rows"),
        ({"rows": "all of them"}, "/rows"),
        ({"rows": [{"unit": "bucks-mh", "period": "May 2026", "value": "1"}]}, "/rows/0/okr_code"),
        ({"rows": [row("x", "y", "z", "1" * 41)]}, "/rows/0/value"),
        ({"rows": [row("x", "y", "z", "1", comment="\x07")]}, "/rows/0/comment"),
        ({"rows": [row("x", "y", "z", "1", version=0)]}, "/rows/0/version"),
        ({"rows": [row("x", "y", "z", "1")], "submit": "perhaps"}, "/submit"),
        ({"rows": [row("x", "y", "z", "1")] * (imports.MAX_DATA_ROWS + 1)}, "/rows"),
    ],
)
def test_a_malformed_batch_is_a_problem_pointing_at_the_field(administrator, body, pointer):
    _, key = make_api_client(administrator)
    response = Caller(key).post(BATCH, body)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert pointer in [error["pointer"] for error in response.json()["errors"]]


def test_a_body_that_is_not_json_or_too_large_is_refused_unread(administrator):
    from api.parsing import MAX_BODY_BYTES

    _, key = make_api_client(administrator)
    caller = Caller(key)
    assert caller.post(BATCH, b"{not json").status_code == 400
    assert caller.post(BATCH, b"\xff\xfe").status_code == 400
    assert caller.post(BATCH, b'{"rows": NaN}').status_code == 400
    assert caller.post(BATCH, b"[" * 100_000 + b"]" * 100_000).status_code == 400
    # Over Django's limit for pages (2.5 MB), within the API's: read, then checked.
    long_batch = caller.post(BATCH, {"rows": [row("x", "y", "z", "1", comment=" " * 1000)] * 3000})
    assert long_batch.status_code == 422
    huge = caller.post(BATCH, b" " * (MAX_BODY_BYTES + 1))
    assert huge.status_code == 413 and huge["Content-Type"] == PROBLEM


def _snapshot(keys) -> dict:
    """What a save left for each OKR × unit × Q2 2020/21: the stored result, its
    history, and its rating in September 2020's report."""
    forget_recent_reports()
    cache.clear()
    report = assemble_ipr(datetime.date(2020, 9, 1))
    ratings = {
        (okr.code, cell.unit_slug): cell.rag
        for objective in report.objectives
        for okr in objective.okrs
        for cell in okr.cells
    }
    shot = {}
    for code, unit in keys:
        result = stored(code, unit, "2020-07-01")
        history = list(result.history.order_by("history_date", "history_id"))
        shot[(code, unit)] = {
            "value": result.value,
            "comment": result.comment,
            "status": result.status,
            "version": result.version,
            "entered_by": result.entered_by_id,
            "source": result.source,
            "history": [
                (h.history_type, h.history_user_id, h.history_change_reason, h.value)
                for h in history
            ],
            "rating": ratings[(code, unit)],
        }
    return shot


def test_an_api_batch_and_the_same_rows_uploaded_leave_the_same_results(secretary):
    """Three corrections to Q2 2020/21 by a board secretary, worked by hand:
    CCCS training (higher is better, target 95, tolerance 2) for Bucks MH, 92 → 95:
    meets the target, Green. Staff sickness (lower is better, target 3.5, tolerance
    1) for Specialised, 4 → 4.4: within 1 of the target, Amber. Patient satisfaction
    (higher is better, target 90, tolerance 5) for the Trust, 85 → 84: more than 5
    below, Red, so it is explained."""
    keys = [
        ("quality-cccs-training", "bucks-mh"),
        ("quality-staff-sickness", "specialised"),
        ("quality-patient-satisfaction", "trust"),
    ]
    csv = (
        b"okr_code,unit,period,value,comment\r\n"
        b"quality-cccs-training,Bucks MH,Q2 2020/21,95,\r\n"
        b"quality-staff-sickness,specialised,Q2 2020/21,4.4,\r\n"
        b"quality-patient-satisfaction,trust,Q2 2020/21,84,Survey response rate fell\r\n"
    )
    today = timezone.localdate()
    with transaction.atomic():
        uploaded = imports.import_file(
            by=secretary, filename="q2.csv", content=csv, reason=REASON, today=today
        )
        assert uploaded.saved == 3
        by_upload = _snapshot(keys)
        transaction.set_rollback(True)
    assert stored("quality-cccs-training", "bucks-mh", "2020-07-01").value == Decimal(92)
    response = Caller(user=secretary).post(
        BATCH,
        {
            "reason": REASON,
            "rows": [
                row("quality-cccs-training", "Bucks MH", "Q2 2020/21", "95"),
                row("quality-staff-sickness", "specialised", "Q2 2020/21", "4.4"),
                row(
                    "quality-patient-satisfaction",
                    "trust",
                    "Q2 2020/21",
                    "84",
                    comment="Survey response rate fell",
                ),
            ],
        },
    )
    assert response.status_code == 200, response.content
    by_api = _snapshot(keys)
    assert by_api == by_upload
    assert {key: (shot["value"], shot["rating"]) for key, shot in by_api.items()} == {
        ("quality-cccs-training", "bucks-mh"): (Decimal(95), "green"),
        ("quality-staff-sickness", "specialised"): (Decimal("4.4"), "amber"),
        ("quality-patient-satisfaction", "trust"): (Decimal(84), "red"),
    }
    for shot in by_api.values():
        assert shot["version"] == 2 and shot["entered_by"] == secretary.pk
        assert shot["history"][-1][1:3] == (secretary.pk, REASON)


def test_a_correction_with_a_stale_if_match_is_refused_and_writes_nothing(secretary):
    result = stored("quality-cccs-training", "bucks-mh", "2020-07-01")
    caller = Caller(user=secretary)
    path = f"/api/v1/results/{result.pk}/"
    read = caller.get(path)
    assert read["ETag"] == '"1"'
    body = {"value": "95", "reason": REASON}
    missing = caller.put(path, body)
    assert missing.status_code == 428 and missing["Content-Type"] == PROBLEM
    saved = caller.put(path, body, **{"If-Match": read["ETag"]})
    assert saved.status_code == 200 and saved["ETag"] == '"2"'
    assert saved.json()["value"] == "95.0000"
    history = result.history.count()
    stale = caller.put(path, {"value": "96", "reason": REASON}, **{"If-Match": '"1"'})
    assert stale.status_code == 412 and stale["Content-Type"] == PROBLEM
    assert "now version 2" in stale.json()["detail"]
    assert caller.put(path, body, **{"If-Match": "yesterday"}).status_code == 412
    assert caller.put(path, body, **{"If-Match": "*"}).status_code == 428
    assert caller.put(path, body, **{"If-Match": '"²"'}).status_code == 412
    assert stored("quality-cccs-training", "bucks-mh", "2020-07-01").value == Decimal(95)
    assert result.history.count() == history


def test_a_correction_needs_a_reason_from_a_corrector(secretary):
    result = stored("quality-cccs-training", "bucks-mh", "2020-07-01")
    response = Caller(user=secretary).put(
        f"/api/v1/results/{result.pk}/", {"value": "95"}, **{"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert "Give a reason for this correction" in response.json()["detail"]
    assert stored("quality-cccs-training", "bucks-mh", "2020-07-01").version == 1


def test_a_row_based_on_an_older_version_is_refused(secretary):
    caller = Caller(user=secretary)
    first = caller.post(
        BATCH,
        {
            "reason": REASON,
            "rows": [row("quality-cccs-training", "bucks-mh", "Q2 2020/21", "93", version=1)],
        },
    )
    assert first.status_code == 200
    again = caller.post(
        BATCH,
        {
            "reason": REASON,
            "rows": [row("quality-cccs-training", "bucks-mh", "Q2 2020/21", "96", version=1)],
        },
    )
    assert again.status_code == 422
    assert "while you were editing" in again.json()["errors"][0]["detail"]
    assert stored("quality-cccs-training", "bucks-mh", "2020-07-01").value == Decimal(93)
