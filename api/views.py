"""The API under /api/v1/: reads of the strategy, its OKRs, units, periods, results
and the IPR, and writes of results. Each view reads through the selectors and writes
through the actions; REST framework brings the authentication, permissions, rate
limits and the problem-detail errors configured in settings (REST_FRAMEWORK)."""

from django.db import transaction
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api import actions, selectors
from api.permissions import ReadsDraftReports, ReadsStrategy, WritesResults
from api.problems import CONTENT_TYPE, BadQuery, RowsRefused, StaleVersion, VersionRequired
from api.serializers import (
    BatchOutcomeSerializer,
    BatchSerializer,
    EditionSerializer,
    FocusAreaSerializer,
    KeyResultSerializer,
    ObjectiveSerializer,
    PeriodSerializer,
    ProblemSerializer,
    ReportSerializer,
    ResultQuerySerializer,
    ResultSerializer,
    ResultUpdateSerializer,
    StrategyQuerySerializer,
    StrategySerializer,
    UnitSerializer,
)
from objectives import selectors as strategy_selectors
from objectives.models import Strategy
from okrs import selectors as okr_selectors
from okrs.imports import UploadPreview
from reporting import selectors as report_selectors
from reporting.ipr import assemble_ipr, ipr_to_dict
from reporting.views.ipr import data_month_in_address


def problems(*codes: int) -> dict:
    """Refusals for the OpenAPI document: each status as `application/problem+json`."""
    return {
        (code, CONTENT_TYPE): OpenApiResponse(
            ProblemSerializer, description="A problem (RFC 9457): see docs/api.md."
        )
        for code in codes
    }


REFUSALS = problems(400, 401, 403, 404, 429)


def _query(request, serializer_class) -> dict:
    """The query string, checked: unknown parameters are ignored, known ones must be
    right, each refusal naming its parameter."""
    serializer = serializer_class(data=request.query_params)
    if not serializer.is_valid():
        errors = [
            {"parameter": name, "detail": str(refusal)}
            for name, refusals in serializer.errors.items()
            for refusal in refusals
        ]
        raise BadQuery("The query string is not valid: see errors.", errors=errors)
    return serializer.validated_data


def _strategy(request) -> Strategy:
    slug = _query(request, StrategyQuerySerializer).get("strategy")
    if slug:
        found = selectors.strategies().filter(slug=slug).first()
        if found is None:
            raise BadQuery(
                "There is no such strategy.",
                errors=[{"parameter": "strategy", "detail": f"No strategy has the slug {slug}"}],
            )
        return found
    current = strategy_selectors.current_strategy()
    if current is None:
        raise NotFound("No strategy is current.")
    return current


STRATEGY_PARAMETER = OpenApiParameter(
    "strategy", str, description="A strategy’s slug; the current strategy if not given."
)


class ReadView(generics.ListAPIView):
    permission_classes = [ReadsStrategy]
    pagination_class = None


@extend_schema(tags=["Strategy"], responses={200: StrategySerializer(many=True), **REFUSALS})
class StrategyList(ReadView):
    """Every strategy the portal holds, the current one first."""

    serializer_class = StrategySerializer

    def get_queryset(self):
        return selectors.strategies()


@extend_schema(
    tags=["Strategy"],
    parameters=[STRATEGY_PARAMETER],
    responses={200: ObjectiveSerializer(many=True), **REFUSALS},
)
class ObjectiveList(ReadView):
    """A strategy’s objectives, in their order."""

    serializer_class = ObjectiveSerializer

    def get_queryset(self):
        return selectors.objectives(_strategy(self.request))


@extend_schema(
    tags=["Strategy"],
    parameters=[STRATEGY_PARAMETER],
    responses={200: FocusAreaSerializer(many=True), **REFUSALS},
)
class FocusAreaList(ReadView):
    """A strategy’s key focus areas, by objective."""

    serializer_class = FocusAreaSerializer

    def get_queryset(self):
        return selectors.focus_areas(_strategy(self.request))


@extend_schema(
    tags=["Strategy"],
    parameters=[STRATEGY_PARAMETER],
    responses={200: KeyResultSerializer(many=True), **REFUSALS},
)
class KeyResultList(ReadView):
    """A strategy’s OKRs with their definitions and targets: each target with the
    unit it was set for (none: the Trust’s) and the days it is in force."""

    serializer_class = KeyResultSerializer

    def get_queryset(self):
        return selectors.key_results(_strategy(self.request))


@extend_schema(tags=["Strategy"], responses={200: KeyResultSerializer, **REFUSALS})
class KeyResultDetail(generics.RetrieveAPIView):
    """One OKR, by its code."""

    permission_classes = [ReadsStrategy]
    serializer_class = KeyResultSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.key_results()


@extend_schema(tags=["Strategy"], responses={200: UnitSerializer(many=True), **REFUSALS})
class UnitList(ReadView):
    """The Trust and its units (directorates and services), with the days each was
    active."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        return selectors.units()


@extend_schema(tags=["Strategy"], responses={200: PeriodSerializer(many=True), **REFUSALS})
class PeriodList(ReadView):
    """The reporting periods set up so far, with their entry windows."""

    serializer_class = PeriodSerializer

    def get_queryset(self):
        return selectors.reporting_periods()


@extend_schema(
    tags=["Results"],
    parameters=[ResultQuerySerializer],
    responses={200: ResultSerializer(many=True), **REFUSALS},
)
class ResultList(generics.ListAPIView):
    """Results, oldest period first, a page at a time (`page`, `page_size` up to
    1,000). Submitted values of every unit; drafts only where the caller may change
    them. An API client reads only the units it was made for."""

    permission_classes = [ReadsStrategy]
    serializer_class = ResultSerializer

    def get_queryset(self):
        query = _query(self.request, ResultQuerySerializer)
        filters = selectors.ResultFilters(
            key_result=_named("okr", query.get("okr"), selectors.key_result_coded),
            unit=_named("unit", query.get("unit"), selectors.unit_with_slug),
            frequency=query.get("frequency", ""),
            period_from=query.get("period_from"),
            period_to=query.get("period_to"),
            status=query.get("status", ""),
        )
        return selectors.results_for(self.request.user, filters)


def _named(parameter: str, name: str | None, find):
    """What a query parameter names (by `find`), or a problem naming the parameter."""
    if not name:
        return None
    found = find(name)
    if found is None:
        raise BadQuery(
            "The query string is not valid: see errors.",
            errors=[{"parameter": parameter, "detail": f"Nothing is called {name}"}],
        )
    return found


def _etag(result) -> str:
    return f'"{result.version}"'


def _if_match_version(request) -> int | None:
    """The version an `If-Match` header names: `"3"` (or W/"3"); None if absent."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    if header.strip() == "*":
        raise VersionRequired(
            "If-Match: * would overwrite whatever is stored: send the result’s ETag, so a "
            "change made since you read it is not overwritten."
        )
    tag = header.strip().removeprefix("W/").strip('"')
    if not (tag.isascii() and tag.isdigit()) or len(tag) > 10:
        raise StaleVersion(
            f"If-Match names no version of this result ({header[:40]!r}): read it again "
            "and send its ETag."
        )
    return int(tag)


@extend_schema(tags=["Results"])
class ResultDetail(APIView):
    """One result. Its `ETag` is its version: correct it with `PUT` and that ETag in
    `If-Match`, so a change made since you read it is never overwritten."""

    permission_classes = [ReadsStrategy, WritesResults]

    def _readable(self, request, pk: int):
        result = selectors.readable_result(request.user, pk)
        if result is None:
            raise NotFound("There is no such result, or you cannot read it.")
        return result

    @extend_schema(responses={200: ResultSerializer, **REFUSALS})
    def get(self, request, pk: int):
        result = self._readable(request, pk)
        return Response(ResultSerializer(result).data, headers={"ETag": _etag(result)})

    @extend_schema(
        request=ResultUpdateSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description='The result\'s ETag as read, e.g. "3".',
            )
        ],
        responses={
            200: ResultSerializer,
            **problems(412, 422, 428),
            **REFUSALS,
        },
    )
    @transaction.atomic
    def put(self, request, pk: int):
        result = self._readable(request, pk)
        seen = _if_match_version(request)
        if seen is None:
            raise VersionRequired(
                "Send the result’s ETag in If-Match, so a change made since you read it "
                "is not overwritten."
            )
        fields = ResultUpdateSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        current = actions.locked_version(result.pk)
        if current != seen:
            raise StaleVersion(
                f"The result has changed since you read it (it is now version {current}): "
                "read it again, check it, and send its new ETag."
            )
        data = fields.validated_data
        preview = actions.save_result_rows(
            by=request.user,
            rows=[actions.result_as_row(result, data, seen_version=seen)],
            submit=data["submit"],
            reason=data["reason"],
            today=okr_selectors.today(),
        )
        _refuse_if_errors(preview)
        saved = selectors.readable_result(request.user, pk)
        return Response(ResultSerializer(saved).data, headers={"ETag": _etag(saved)})


def _refuse_if_errors(preview: UploadPreview) -> None:
    if not preview.has_errors:
        return
    errors = [
        {"row": row.row.number, "pointer": f"/rows/{row.row.number - 1}", "detail": row.message}
        for row in preview.error_rows
    ]
    errors += [{"detail": problem} for problem in preview.general_errors]
    refused = len(preview.error_rows)
    raise RowsRefused(
        f"Nothing was saved: {refused} row{'s' if refused != 1 else ''} refused"
        + (f"; {'; '.join(preview.general_errors)}" if preview.general_errors else "")
        + ".",
        errors=errors,
    )


def _outcome(preview: UploadPreview, *, dry_run: bool) -> dict:
    return {
        "saved": preview.saved or 0,
        "dry_run": dry_run,
        "submitted": preview.submit,
        "counts": preview.counts,
        "rows": [
            {"row": row.row.number, "outcome": row.outcome, "messages": row.messages}
            for row in preview.rows
        ],
    }


@extend_schema(
    tags=["Results"],
    request=BatchSerializer,
    responses={
        200: BatchOutcomeSerializer,
        **problems(413, 422),
        **REFUSALS,
    },
)
class ResultBatch(APIView):
    """Submit or correct results, up to 20,000 rows at once, all or nothing: the
    rows an upload’s file would hold (docs/api.md), read and checked as an upload’s.
    `dry_run` says what would happen and saves nothing."""

    permission_classes = [ReadsStrategy, WritesResults]

    def post(self, request):
        batch = BatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        data = batch.validated_data
        preview = actions.save_result_rows(
            by=request.user,
            rows=actions.result_rows(data["rows"]),
            submit=data["submit"],
            reason=data["reason"],
            today=okr_selectors.today(),
            dry_run=data["dry_run"],
        )
        _refuse_if_errors(preview)
        return Response(_outcome(preview, dry_run=data["dry_run"]))


@extend_schema(tags=["IPR"], responses={200: EditionSerializer(many=True), **REFUSALS})
class EditionList(generics.ListAPIView):
    """The published editions of the IPR, newest first."""

    permission_classes = [ReadsStrategy]
    serializer_class = EditionSerializer

    def get_queryset(self):
        return selectors.published_editions()


@extend_schema(tags=["IPR"], responses={200: ReportSerializer, **REFUSALS})
class EditionDetail(APIView):
    """A published edition exactly as the Board read it (the frozen report)."""

    permission_classes = [ReadsStrategy]

    def get(self, request, month: str, revision: int):
        data_month = data_month_in_address(month)
        edition = next(
            (e for e in report_selectors.editions_for_month(data_month) if e.revision == revision),
            None,
        )
        if edition is None:
            raise NotFound(f"No revision {revision} of {data_month:%B %Y} is published.")
        report = ipr_to_dict(report_selectors.edition_report(edition))
        body = {
            "month": f"{data_month:%Y-%m}",
            "revision": edition.revision,
            "published_at": edition.published_at,
            "report": report,
        }
        return Response(ReportSerializer(body).data)


@extend_schema(tags=["IPR"], responses={200: ReportSerializer, **REFUSALS})
class DraftReport(APIView):
    """A month’s report as it stands today, before (or since) it is published: for
    the people who prepare it only, never an API client."""

    permission_classes = [ReadsStrategy, ReadsDraftReports]

    def get(self, request, month: str):
        data_month = data_month_in_address(month)
        report = ipr_to_dict(assemble_ipr(data_month))
        body = {"month": f"{data_month:%Y-%m}", "revision": None, "published_at": None}
        response = Response(ReportSerializer(body | {"report": report}).data)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under /api/v1/: a problem, not the portal's HTML page."""

    permission_classes = []
    authentication_classes = []

    def nothing_here(self, request, *args, **kwargs):
        raise NotFound("There is nothing at this address in the API: see /api/v1/docs/.")

    get = post = put = patch = delete = head = nothing_here
