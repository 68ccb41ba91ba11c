"""The IPR's pages: a month's report (its published edition, a revision, or the
draft), publishing it, and writing its narratives."""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.http import quote_etag
from django.utils.text import compress_string
from django.views.decorators.csp import csp_override

from objectives import data_version
from objectives import selectors as strategy_selectors
from objectives.models import StrategicObjective
from objectives.permissions import group_names
from okrs import actions as okr_actions
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import KeyResult
from reporting import actions, selectors
from reporting.forms import ExecutiveSummaryForm, OkrCommentaryForm
from reporting.ipr import (
    CACHE_SECONDS,
    SCHEMA_VERSION,
    assemble_ipr,
    assembled_heading,
)
from reporting.presentation import chart_of, report_context
from reporting.tables import okr_by_unit_table
from web.context_processors import portal as portal_context
from web.forms import add_action_errors
from web.pages import CHART_PAGE_CSP, requires_portal_role


@requires_portal_role
def ipr_latest(request: HttpRequest) -> HttpResponse:
    """The IPR for the latest month with data (or the month chosen in the selector)."""
    chosen = request.GET.get("month")
    if chosen is not None:
        try:
            return redirect("reporting:ipr", month=_month_in_range(chosen).strftime("%Y-%m"))
        except ValueError:
            # Typed into the address, not chosen from the list: say so, show the latest.
            messages.error(
                request, "There is no report for that month: choose a month from the list."
            )
    months = selectors.months_offered(request.user, okr_selectors.reportable_months())
    if not months:
        if not request.user.has_perm("portal.read_draft_ipr"):
            return _not_published(request, None, status=200)
        raise Http404("No results have been submitted yet, so there is no report.")
    return redirect("reporting:ipr", month=months[0].starts_on.strftime("%Y-%m"))


def _not_published(request: HttpRequest, data_month, *, status: int = 403) -> HttpResponse:
    """What a reader who does not see drafts gets instead of one: a plain page
    saying the month is not published, with the months that are."""
    return render(
        request,
        "reporting/ipr_not_published.html",
        {
            "month_label": periods.period_label(periods.MONTHLY, data_month) if data_month else "",
            "months": selectors.published_months(),
        },
        status=status,
    )


def _month_in_range(month: str, reportable=None) -> datetime.date:
    """The month `2020-09` names, if a report can be about it; else a ValueError
    saying why (see `okrs.selectors.reportable_months`)."""
    data_month = periods.parse_month(month)
    reportable = reportable or okr_selectors.reportable_months()
    refusal = reportable.refusal(data_month)
    if refusal:
        raise ValueError(refusal)
    return data_month


def data_month_in_address(month: str, reportable=None) -> datetime.date:
    """The month in an address; a month that is not one, or is outside the
    strategy's span, is not found (and nothing is made for it)."""
    try:
        return _month_in_range(month, reportable)
    except ValueError as error:
        raise Http404(str(error)) from error


@requires_portal_role
@csp_override(CHART_PAGE_CSP)
def ipr(request: HttpRequest, month: str) -> HttpResponse:
    """A month's IPR: its latest published edition (or the revision asked for), else
    the draft assembled from today's data. `?draft=1` shows the draft regardless."""
    reportable = okr_selectors.reportable_months()
    data_month = data_month_in_address(month, reportable)
    editions = list(selectors.editions_for_month(data_month))
    reads_drafts = request.user.has_perm("portal.read_draft_ipr")
    wants_draft = request.GET.get("draft") == "1"
    if not reads_drafts and (not editions or wants_draft):
        return _not_published(request, data_month)
    edition = None
    if editions and not wants_draft:
        wanted = request.GET.get("revision")
        edition = (
            next((e for e in editions if str(e.revision) == wanted), None)
            if wanted
            else editions[0]
        )
        if edition is None:
            raise Http404("No such revision.")
    version = data_version.current()
    if edition is None:
        heading = assembled_heading(data_month, version=version)
        # Read only if the kept body has to be rendered again.
        report = SimpleLazyObject(lambda: assemble_ipr(data_month, version=version))
        writable = strategy_selectors.objectives_user_may_write(
            request.user, list(heading.objective_ids)
        )
        writes_overall = request.user.has_perm("portal.write_overall_summary")
        body_key = f"draft-{version}-{month}-{sorted(writable)}-{writes_overall}"
    else:
        # Read only if the kept body has to be rendered again.
        report = SimpleLazyObject(lambda: selectors.edition_report(edition))
        heading, writable = selectors.edition_heading(edition), set()
        writes_overall = False
        body_key = f"edition-{edition.pk}-v{SCHEMA_VERSION}"
    month_ended = actions.month_has_ended(data_month)
    context = report_context(report) | {
        "edition": edition,
        "editions": editions,
        "month": month,
        "months": selectors.months_offered(request.user, reportable, version),
        "can_read_drafts": reads_drafts,
        "can_close": request.user.has_perm("portal.close_month"),
        "month_ended": month_ended,
        "can_export": request.user.has_perm("portal.export_pack"),
        "exports": selectors.pack_exports(data_month, edition),
        "writable": writable,
        "writes_overall": writes_overall,
        "heading": heading,
        "body_key": body_key,
        "body_seconds": CACHE_SECONDS,
    }
    if edition is None:
        return render(request, "reporting/ipr.html", context)
    # An edition never changes: a reader who has this page already, as it would be
    # drawn for them now, is told so (304) after the checks above, not sent it again.
    etag = _edition_page_etag(request, context)
    if etag is None:
        return render(request, "reporting/ipr.html", context)
    unchanged = get_conditional_response(request, etag=etag)
    if unchanged is not None:
        return unchanged
    page, compressed = _edition_page(request, context, etag)
    response = HttpResponse(page)
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        # Compressed once when kept, as the GZip middleware would (it leaves a
        # response that has an encoding alone): the same weak tag for both forms.
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        response["ETag"] = f"W/{etag}"
    # Kept by the browser only, and asked about again every time (permissions are
    # checked on every request).
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _edition_page(request: HttpRequest, context: dict, etag: str) -> tuple[bytes, bytes]:
    """The page as the tag describes it, and it gzip-compressed, rendered and
    compressed once and kept: the next request with the same tag (the same reader
    and session, nothing changed) is served it as it is. Pages carry no per-response
    value (no CSP nonce: scripts are files from our own origin)."""
    key = f"ipr-edition-page:{etag}"
    kept = cache.get(key)
    if kept is None:
        page = render_to_string("reporting/ipr.html", context, request).encode()
        kept = (page, compress_string(page, max_random_bytes=GZipMiddleware.max_random_bytes))
        cache.set(key, kept, CACHE_SECONDS)
    return kept


def _edition_page_etag(request: HttpRequest, context: dict) -> str | None:
    """A tag for the page as this reader would see it now: the edition, the other
    editions and the exports listed, the months offered, what the reader may do
    and who they are in this session. None when the page carries a one-off message."""
    if get_messages(request):
        return None
    user = request.user
    state = [
        context["body_key"],
        [edition.revision for edition in context["editions"]],
        [(export.pk, export.shown_status, export.finished_at) for export in context["exports"]],
        [str(month.starts_on) for month in context["months"]],
        [context[name] for name in ("can_read_drafts", "can_close", "can_export")],
        user.pk,
        user.is_superuser,
        user.get_full_name(),
        sorted(group_names(user)),
        # The banner every page shows (asked once per request, see the context processor).
        portal_context(request).get("demo_data_present"),
        request.session.session_key,
        # The page's forms carry a token made from the reader's CSRF secret (made
        # here if this is their first page): a copy is only good with the same one.
        get_token(request) and request.META.get("CSRF_COOKIE"),
    ]
    return quote_etag(hashlib.sha256(repr(state).encode()).hexdigest()[:32])


def _figures_beside(
    data_month: datetime.date, objective: StrategicObjective | None, key_result
) -> dict:
    """What the writer reads beside the words, from the month's draft report: for
    the overall summary, each objective's overall rating by unit; for an executive
    summary, the objective's OKR × unit table and overall ratings; for
    a commentary, the OKR's chart and each unit's value, target, rating, why it is
    an exception and what its lead said with it."""
    report = assemble_ipr(data_month)
    if objective is None:
        return {"overall_report": report}
    section = next((item for item in report.objectives if item.id == objective.pk), None)
    if section is None:
        return {}
    month = report.data_month_start[:7]
    if key_result is None:
        return {"section": section, "table": okr_by_unit_table(section, month)}
    okr = next((item for item in section.okrs if item.code == key_result.code), None)
    if okr is None:
        return {"section": section}
    chart = chart_of(okr, "narrative-chart", month=month) if okr.chart else None
    return {"section": section, "okr": okr, "chart": chart}


@requires_portal_role
@csp_override(CHART_PAGE_CSP)
def edit_narrative(request: HttpRequest, month: str, objective: int, code: str | None = None):
    """Write an objective's executive summary for a month, or (with `code`) the
    commentary on one of its OKRs, with the month's figures beside it; the
    executive director can also sign it off."""
    data_month = data_month_in_address(month)
    objective = get_object_or_404(StrategicObjective, pk=objective)
    if not request.user.has_perm("portal.write_narrative", objective):
        raise PermissionDenied(
            "Only the objective's executive director or a delegate can write this."
        )
    key_result = get_object_or_404(KeyResult, code=code, objective=objective) if code else None
    can_sign = request.user.has_perm("portal.sign_narrative", objective)
    return _narrative_page(request, month, data_month, objective, key_result, can_sign=can_sign)


@requires_portal_role
def edit_overall_summary(request: HttpRequest, month: str):
    """Write the month's overall summary, which opens the report, beside the month's
    overall ratings; the Chief Executive can also sign it off."""
    data_month = data_month_in_address(month)
    if not request.user.has_perm("portal.write_overall_summary"):
        raise PermissionDenied("Only the Chief Executive or a named delegate can write this.")
    can_sign = request.user.has_perm("portal.sign_overall_summary")
    return _narrative_page(request, month, data_month, None, None, can_sign=can_sign)


def _narrative_page(
    request: HttpRequest,
    month: str,
    data_month: datetime.date,
    objective: StrategicObjective | None,
    key_result: KeyResult | None,
    *,
    can_sign: bool,
) -> HttpResponse:
    span = periods.month_span(data_month.year, data_month.month)
    # Opening the page makes nothing: the month's period is made when words are saved.
    period = okr_selectors.reporting_period(span)
    existing = selectors.narrative_for(objective, period, key_result) if period else None
    form_class = OkrCommentaryForm if key_result else ExecutiveSummaryForm
    initial = {name: getattr(existing, name) for name in form_class.base_fields} if existing else {}
    form = form_class(request.POST or None, initial=initial)
    narrative = None
    if request.method == "POST" and form.is_valid():
        try:
            narrative = actions.write_narrative(
                by=request.user,
                objective=objective,
                period=period or okr_actions.ensure_reportable_period(span),
                key_result=key_result,
                content=form.cleaned_data,
                sign_off="sign_off" in request.POST,
                seen_version=form.cleaned_data["version"],
                check_version=True,
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
    if narrative is not None:
        # Back where the words are read in the report, not at its top; the
        # confirmation (announced, at the top) links to the section too.
        if objective is None:
            anchor, name = "overall-summary", "the overall summary"
        else:
            anchor = (
                f"commentary-{key_result.code}" if key_result else f"summary-{objective.number}"
            )
            name = objective.short_name or objective.title
        messages.success(
            request,
            format_html(
                '{} <a href="#{}">Go to {}</a>.',
                "Saved and signed off." if narrative.signed_by_id else "Saved. Not yet signed off.",
                anchor,
                name,
            ),
        )
        page = reverse("reporting:ipr", kwargs={"month": month})
        return redirect(f"{page}?draft=1#{anchor}")
    return render(
        request,
        "reporting/narrative_form.html",
        {
            "form": form,
            "objective": objective,
            "key_result": key_result,
            "period_label": periods.period_label(span.frequency, span.starts_on),
            "month": month,
            "narrative": existing,
            "can_sign": can_sign,
        }
        | _figures_beside(data_month, objective, key_result),
    )
