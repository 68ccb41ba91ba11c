"""Errors as RFC 9457 problem details (`application/problem+json`): `type`,
`title`, `status`, `detail`, and, where the request named things that were wrong,
`errors`, each with where (`pointer`: a JSON Pointer into the body; `parameter`: a
query-string name; `row`: a batch's row) and why (`detail`). Bad input is always
one of these, never a server error.

The portal's own problem types are URNs (RFC 9457 allows types that are not
links), each described in docs/api.md."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

CONTENT_TYPE = "application/problem+json"
ROWS_REFUSED = "urn:strategy-portal:problem:rows-refused"
STALE_VERSION = "urn:strategy-portal:problem:stale-version"
VERSION_REQUIRED = "urn:strategy-portal:problem:version-required"
INVALID_REQUEST = "urn:strategy-portal:problem:invalid-request"


class Problem(exceptions.APIException):
    """A refusal with its own problem type and, optionally, what was wrong where."""

    problem_type = "about:blank"

    def __init__(self, detail: str, *, errors: list[dict] | None = None):
        super().__init__(detail)
        self.errors = errors or []


class RowsRefused(Problem):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    problem_type = ROWS_REFUSED


class StaleVersion(Problem):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    problem_type = STALE_VERSION


class VersionRequired(Problem):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    problem_type = VERSION_REQUIRED


class BadQuery(Problem):
    """A query string the endpoint cannot answer (each parameter named)."""

    status_code = status.HTTP_400_BAD_REQUEST
    problem_type = INVALID_REQUEST


class TooLarge(Problem):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def problem_response(
    status_code: int, detail: str, *, problem_type: str = "about:blank", errors=None, headers=None
) -> Response:
    body = {
        "type": problem_type,
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=CONTENT_TYPE, headers=headers)


def handle_exception(exc, context) -> Response | None:
    """REST framework's EXCEPTION_HANDLER: every refusal as a problem."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # not a refusal: a fault, which Django reports as one
    headers = {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, Problem):
        return problem_response(
            exc.status_code,
            str(exc.detail),
            problem_type=exc.problem_type,
            errors=exc.errors,
            headers=headers,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_pointed(exc.detail))
        return problem_response(
            response.status_code,
            "The request is not valid: see errors.",
            problem_type=INVALID_REQUEST,
            errors=errors,
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(response.status_code, str(detail), headers=headers)


def _pointed(detail, pointer: str = ""):
    """REST framework's nested error detail as a flat list with JSON Pointers."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            where = pointer if key == "non_field_errors" else f"{pointer}/{key}"
            yield from _pointed(value, where)
    elif isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
        for index, item in enumerate(detail):
            if item:
                yield from _pointed(item, f"{pointer}/{index}")
    elif isinstance(detail, list):
        for item in detail:
            yield {"pointer": pointer or "/", "detail": str(item)}
    else:
        yield {"pointer": pointer or "/", "detail": str(detail)}
