"""Uploading a file of results: the pre-filled template, the upload, its preview
(every row and what it would do) and its confirmation. Thin: the file is read and
planned in okrs/imports/, and the rules are the planner's (okrs/result_planner.py)."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from objectives.audit import REASON_MAX_LENGTH
from objectives.models import OrganisationalUnit
from objectives.text import TextField
from okrs import imports, selectors
from okrs.models import ReportingPeriod, ResultUpload
from okrs.result_planner import REASON_REQUIRED
from okrs.selectors.submissions import submissions_for_period, units_led_by, units_owing
from web.forms import declared_body_size

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def can_upload(user) -> bool:
    """Directorate leads (the planner then allows only their own units) and the
    people who may correct any unit's results."""
    return user.has_perm("portal.submit_results") or user.has_perm("portal.correct_results")


def upload_permission_required(view):
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_upload(request.user):
            raise PermissionDenied("You cannot upload results.")
        return view(request, *args, **kwargs)

    return checked


class ReasonForm(forms.Form):
    """The reason for the changes in a file, given with it or on its preview."""

    # Bounded, with the NHS.UK character count; control characters are removed.
    reason = TextField(
        required=False, max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(ReasonForm):
    file = forms.FileField(
        error_messages={
            "required": "Choose a CSV or XLSX file of results to upload",
            "empty": "The file is empty.",
        }
    )
    field_order = ["file", "reason"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.reading.MAX_FILE_BYTES:
            # Refused before it is read into memory.
            raise forms.ValidationError(
                imports.reading.too_large(f"The file is {imports.reading.size_text(upload.size)}.")
            )
        return upload


@upload_permission_required
def upload_template(request: HttpRequest, unit: str, period: int, fmt: str) -> HttpResponse:
    """A unit's OKRs for a period, with the values saved so far, to fill in and upload."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Templates are CSV or XLSX.")
    unit = get_object_or_404(OrganisationalUnit, slug=unit)
    period = get_object_or_404(ReportingPeriod, pk=period)
    if not request.user.has_perm("portal.change_unit_results", unit):
        raise PermissionDenied(f"You cannot enter results for {unit.short_name}.")
    submissions = submissions_for_period(period, [unit], timezone.localdate())
    if not submissions:
        raise Http404(f"{unit.short_name} was not active in {period.label}.")
    rows = imports.template_rows(submissions)
    content = imports.template_csv(rows) if fmt == "csv" else imports.template_xlsx(rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = imports.template_filename(unit, period, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The form around the file (boundaries, the reason, the CSRF token) in a request body.
FORM_ALLOWANCE_BYTES = 64 * 1024


@csrf_exempt  # checked in _upload, once the size is known: checking reads the whole body
@upload_permission_required
def upload(request: HttpRequest) -> HttpResponse:
    """The upload page. A request larger than the largest file allowed is refused from
    the size it declares, before its body is read (and spooled to memory or disk)."""
    limit = imports.reading.MAX_FILE_BYTES
    if request.method == "POST" and declared_body_size(request) > limit + FORM_ALLOWANCE_BYTES:
        message = imports.reading.too_large(
            f"The file is larger than {imports.reading.size_text(limit)}."
        )
        return _upload_page(request, UploadForm(), too_large=message, status=413)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            stored = imports.store_upload(
                by=request.user,
                filename=file.name,
                content=file.read(),
                reason=form.cleaned_data["reason"],
            )
        except (imports.FileProblem, imports.UploadRefused) as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("okrs:upload_preview", pk=stored.pk)
    return _upload_page(request, form)


def _upload_page(request, form: UploadForm, *, too_large: str = "", status: int = 200):
    return render(
        request,
        "okrs/upload.html",
        {
            "form": form,
            "file_errors": [too_large] if too_large else form["file"].errors,
            "templates": _templates_offered(request.user),
            "unconfirmed": selectors.unconfirmed_uploads(request.user),
            "max_size": imports.reading.size_text(imports.reading.MAX_FILE_BYTES),
            "max_rows": imports.reading.MAX_DATA_ROWS,
            "max_unconfirmed": imports.MAX_UNCONFIRMED_UPLOADS,
            "unconfirmed_days": imports.UNCONFIRMED_UPLOAD_DAYS,
            "can_correct": request.user.has_perm("portal.correct_results"),
            "reason_max_length": REASON_MAX_LENGTH,
        },
        status=status,
    )


def _templates_offered(user) -> list[tuple[ReportingPeriod, list[OrganisationalUnit]]]:
    """The units this person can fill a template for, per period open today."""
    today = timezone.localdate()
    if user.has_perm("portal.correct_results"):
        units = list(OrganisationalUnit.objects.all())
    else:
        units = [
            unit
            for unit in units_led_by(user)
            if user.has_perm("portal.enter_results_for_unit", unit)
        ]
    offered = []
    for period in selectors.periods_open_on(today):
        owing = units_owing(period, units)
        if owing:
            offered.append((period, owing))
    return offered


@upload_permission_required
def upload_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row and what saving it would do; saving is all or nothing."""
    # The file itself is not needed: its rows were kept when it was read.
    upload = get_object_or_404(
        ResultUpload.objects.defer("content"), pk=pk, uploaded_by=request.user
    )
    today = timezone.localdate()
    if upload.committed_at is not None:
        return render(request, "okrs/upload_saved.html", {"upload": upload})
    if request.method == "POST" and "discard" in request.POST:
        imports.discard_upload(by=request.user, upload=upload)
        messages.success(request, f"{upload.filename} discarded.")
        return redirect("okrs:upload")
    if request.method == "POST" and "reason" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            imports.set_upload_reason(
                by=request.user, upload=upload, reason=form.cleaned_data["reason"]
            )
        else:
            messages.error(request, f"{form.errors['reason'][0]}.")
        return redirect("okrs:upload_preview", pk=upload.pk)
    try:
        if request.method == "POST":
            preview = imports.commit_upload(
                by=request.user, upload=upload, today=today, seen=request.POST.get("seen", "")
            )
            if preview.saved is not None:
                saved = preview.saved
                messages.success(
                    request,
                    f"{saved} value{'s' if saved != 1 else ''} from {upload.filename} saved."
                    if saved
                    else f"Nothing in {upload.filename} had changed, so nothing was saved.",
                )
                return redirect("okrs:upload_preview", pk=upload.pk)
            upload.refresh_from_db(fields=["committed_at"])
            if upload.committed_at is not None:  # confirmed twice at once: saved by the first
                return redirect("okrs:upload_preview", pk=upload.pk)
        else:
            preview = imports.preview_upload(by=request.user, upload=upload, today=today)
    except imports.FileProblem as problem:
        # Only if the limits changed since it was stored: it was readable then.
        return render(request, "okrs/upload_preview.html", {"upload": upload, "problem": problem})
    return render(
        request,
        "okrs/upload_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "counts": preview.counts,
            "reason_required": REASON_REQUIRED in preview.general_errors,
            "reason_max_length": REASON_MAX_LENGTH,
        },
    )
