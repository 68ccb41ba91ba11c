"""Contract tests generated from the API's own OpenAPI document (Schemathesis): for
every operation, requests made from the document, valid and not, by an API client
that may read and write every unit, and by a board secretary with a session. The
API must never answer with a server error, nor with a status, content type,
header or body that the document does not describe.

Not checked: that every request the document allows succeeds. A row can be well
formed and still name an OKR that does not exist; the API refuses it (422), as the
document says."""

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import CallerRateThrottle
from objectives.roles import Role
from tests.api_world import administrator_of, make_api_client

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation: enough to reach every refusal the operation has, while the
# whole suite stays a couple of minutes.
EXAMPLES = 40

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keeps_the_test_connection():
    """The WSGI application closes the database connection at the end of each
    request, as a server should; the test's transaction lives in that connection,
    so it is kept open, as Django's own test client keeps it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(seeded, users_by_role, monkeypatch, keeps_the_test_connection):
    """Headers for a client that may read and write every unit, and a board
    secretary's session cookie, with a September 2020 edition published."""
    from django.test import Client

    from reporting.actions import publish_ipr

    monkeypatch.setattr(CallerRateThrottle, "THROTTLE_RATES", {"caller": "1000000/min"})
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(by=secretary, data_month=datetime.date(2020, 9, 1), reason="Contract tests")
    _, key = make_api_client(administrator_of(users_by_role), all_units=True, units=[])
    session = Client(HTTP_HOST="localhost")
    session.force_login(secretary)
    cookie = f"sessionid={session.cookies['sessionid'].value}"
    # The WSGI test client does not unzip what the portal compresses.
    plain = {"Accept-Encoding": "identity"}
    return [{"Authorization": f"Bearer {key}", **plain}, {"Cookie": cookie, **plain}]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The same examples on every run (CI stays repeatable) and nothing kept on disk.
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_document(case, callers):
    for headers in callers:
        case.call_and_validate(headers=headers, checks=CHECKS)
