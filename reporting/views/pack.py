"""The Board pack's pages: asking for an export, following its progress,
downloading its files, and editing the cover sheet."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import security_log
from objectives.text import parse_id
from reporting import actions, selectors
from reporting.exports.csv_file import render_csv
from reporting.exports.data_file import render_parquet
from reporting.forms import BoardCoverForm
from reporting.ipr import (
    ipr_from_dict,
)
from reporting.models import PackExport, PackFile
from reporting.pack import default_cover, latest_cover, pack_for_edition
from reporting.views.ipr import data_month_in_address
from web.forms import add_action_errors
from web.pages import requires_portal_role


def _edition_or_404(data_month: datetime.date, revision: int):
    edition = next(
        (e for e in selectors.editions_for_month(data_month) if e.revision == revision), None
    )
    if edition is None:
        raise Http404("No such revision.")
    return edition


@require_POST
@permission_required("portal.export_pack", raise_exception=True)
def export_pack(request: HttpRequest, month: str) -> HttpResponse:
    """Queue the pack of the revision posted (or of today's draft) and show its progress."""
    data_month = data_month_in_address(month)
    posted = request.POST.get("revision", "")
    revision = parse_id(posted)
    if posted and revision is None:
        raise Http404("No such revision.")
    edition = _edition_or_404(data_month, revision) if posted else None
    export = actions.request_pack_export(by=request.user, data_month=data_month, edition=edition)
    security_log.pack_exported(request=request, export=export)
    return redirect("reporting:pack_export", month=month, pk=export.pk)


@requires_portal_role
def pack_export(request: HttpRequest, month: str, pk: int) -> HttpResponse:
    """An export's progress, then its files to download."""
    export = _export_or_404(month, pk)
    _check_may_read(request.user, export)
    return render(
        request,
        "reporting/pack/export.html",
        {"export": export, "month": month, "back": _report_url(export)},
    )


@requires_portal_role
def pack_export_status(request: HttpRequest, month: str, pk: int) -> JsonResponse:
    """How far an export has got, for the progress page to poll; `finished` once
    nothing more will happen to it (an export whose worker died shows as stopped)."""
    export = _export_or_404(month, pk)
    _check_may_read(request.user, export)
    return JsonResponse(
        {
            "status": export.shown_status,
            "status_label": export.shown_status_label,
            "stage": export.shown_stage,
            "steps_done": export.steps_done,
            "steps_total": export.steps_total,
            "finished": export.is_over,
        }
    )


def _export_or_404(month: str, pk: int):
    data_month = data_month_in_address(month)
    try:
        export = selectors.pack_export(pk)
    except PackExport.DoesNotExist as error:
        raise Http404("No such export.") from error
    if export.data_month != data_month.replace(day=1):
        raise Http404("No such export for this month.")
    return export


def _check_may_read(user, export) -> None:
    """A draft pack (of no edition) is for those who read drafts (decision 8)."""
    if export.edition_id is None and not user.has_perm("portal.read_draft_ipr"):
        raise PermissionDenied("Draft packs are for the people preparing the report.")


def _report_url(export) -> str:
    page = reverse("reporting:ipr", kwargs={"month": export.data_month.strftime("%Y-%m")})
    return f"{page}?revision={export.edition.revision}" if export.edition_id else f"{page}?draft=1"


@requires_portal_role
def download_pack_file(request: HttpRequest, pk: int) -> FileResponse:
    """A stored pack file, byte for byte as it was made."""
    stored = get_object_or_404(PackFile.objects.select_related("export"), pk=pk)
    _check_may_read(request.user, stored.export)
    if stored.export.status != PackExport.Status.DONE:
        raise Http404("That export did not finish.")
    security_log.pack_downloaded(request=request, pack_file=stored)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.filename)


# A published edition's flat data, for business-intelligence tools (docs/exports.md).
EDITION_DATA_FORMATS = {
    "csv": ("text/csv; charset=utf-8", render_csv),
    "parquet": ("application/vnd.apache.parquet", render_parquet),
}


@requires_portal_role
@require_GET
def edition_data(request: HttpRequest, month: str, revision: int, data_format: str):
    """A published edition's data, one row per OKR × unit × period, as CSV or Parquet:
    read from the frozen edition, so the same bytes every time. Everyone who reads
    published editions may take their data."""
    if data_format not in EDITION_DATA_FORMATS:
        raise Http404("The data comes as .csv or .parquet.")
    edition = _edition_or_404(data_month_in_address(month), revision)
    pack = pack_for_edition(edition)
    content_type, render_data = EDITION_DATA_FORMATS[data_format]
    response = HttpResponse(render_data(pack), content_type=content_type)
    filename = pack.filename(f"data.{data_format}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    security_log.log_event(
        "edition_data_downloaded", request=request, edition=str(edition), format=data_format
    )
    return response


@permission_required("portal.export_pack", raise_exception=True)
def edit_cover(request: HttpRequest, month: str, revision: int) -> HttpResponse:
    """Edit the Board cover sheet printed at the front of an edition's pack."""
    data_month = data_month_in_address(month)
    edition = _edition_or_404(data_month, revision)
    cover = getattr(edition, "cover", None)
    if cover is not None:
        initial = {name: getattr(cover, name) for name in actions.COVER_FIELDS}
    else:
        initial = default_cover(ipr_from_dict(edition.report), like=latest_cover())
    initial["version"] = cover.version if cover is not None else None
    form = BoardCoverForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in actions.COVER_FIELDS}
        try:
            actions.update_cover(
                by=request.user,
                edition=edition,
                fields=fields,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
                check_version=True,
            )
            saved = True
        except ValidationError as refusal:
            add_action_errors(form, refusal)
    if saved:
        messages.success(request, f"Cover sheet of {edition} saved. Export the pack to print it.")
        return redirect(f"{reverse('reporting:ipr', kwargs={'month': month})}?revision={revision}")
    return render(
        request,
        "reporting/pack/cover_form.html",
        {"form": form, "edition": edition, "month": month},
    )
