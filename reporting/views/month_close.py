"""The month close, for board secretaries and administrators: a data month's
checklist (what is missing before the Board sees it), reminders to units that
still owe values, publishing with a confirmation, and sending the pack."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from objectives import selectors as strategy_selectors
from objectives.models import OrganisationalUnit
from objectives.text import parse_id
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import ReportingPeriod
from reporting import actions, selectors
from reporting.actions import month_close as close_actions
from reporting.ipr import assemble_ipr, describe_changes, ipr_to_dict
from reporting.models import IprEdition, SentMessage
from reporting.month_close_forms import DistributeForm, PublishForm
from reporting.views.ipr import data_month_in_address
from web.forms import add_action_errors


def today() -> datetime.date:
    """The day the checklist is worked out for (tests replace it with a fixed day)."""
    return timezone.localdate()


def _starting_recipients() -> str:
    """The addresses the pack went to last time, else the Trust's list in settings."""
    last = (
        SentMessage.objects.filter(kind=SentMessage.Kind.PACK, sent=True)
        .order_by("-sent_at", "-pk")
        .values_list("recipients", flat=True)
        .first()
    )
    if last:
        return "\n".join(last)
    return "\n".join(a.strip() for a in settings.PACK_DISTRIBUTION_LIST.split(",") if a.strip())


def _page(
    request: HttpRequest,
    month: str,
    data_month: datetime.date,
    *,
    publish_form: PublishForm | None = None,
    distribute_form: DistributeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report = assemble_ipr(data_month)
    checklist = selectors.month_close(data_month, today(), report)
    editions = selectors.editions_for_month(data_month)
    latest = editions[0] if editions else None
    changes = None
    if latest is not None:
        stored = IprEdition.objects.only("report").get(pk=latest.pk).report
        changes = describe_changes(stored, ipr_to_dict(report))
    writable = strategy_selectors.objectives_user_may_write(
        request.user, [objective.id for objective in report.objectives]
    )
    report_url = reverse("reporting:ipr", kwargs={"month": month})
    context = {
        "breadcrumbs": [
            (report_url, f"IPR, {periods.period_label(periods.MONTHLY, data_month)} data")
        ],
        "month": month,
        "month_label": periods.period_label(periods.MONTHLY, data_month),
        "report": report,
        "checklist": checklist,
        "open_items": checklist.open_items,
        "editions": editions,
        "latest": latest,
        "changes": changes,
        "can_publish": checklist.month_ended and (latest is None or bool(changes)),
        "publish_form": publish_form or PublishForm(open_items=checklist.open_items),
        "writable": writable,
        "writes_overall": request.user.has_perm("portal.write_overall_summary"),
        "can_confirm_rules": request.user.has_perm("portal.maintain_strategy"),
        "distribution": settings.PACK_DISTRIBUTION and latest is not None,
        "pdf": selectors.edition_pdf(latest) if latest is not None else None,
        "distribute_form": distribute_form
        or DistributeForm(initial={"recipients": _starting_recipients(), "delivery": "attach"}),
        "sent_messages": selectors.sent_messages(data_month),
    }
    return render(request, "reporting/month_close.html", context, status=status)


@permission_required("portal.close_month", raise_exception=True)
def month_close_latest(request: HttpRequest) -> HttpResponse:
    """The month to close now: the latest month with results that has ended (else
    the latest with results)."""
    months = selectors.months_offered(request.user, okr_selectors.reportable_months())
    if not months:
        raise Http404("No results have been submitted yet, so there is no month to close.")
    ended = [month for month in months if actions.month_has_ended(month.starts_on)]
    chosen = (ended or months)[0].starts_on
    return redirect("reporting:month_close", month=chosen.strftime("%Y-%m"))


@permission_required("portal.close_month", raise_exception=True)
def month_close(request: HttpRequest, month: str) -> HttpResponse:
    """The month's checklist; a POST publishes the month (a new revision when
    something changed), confirmed, with a reason when items are open."""
    data_month = data_month_in_address(month)
    if request.method != "POST":
        return _page(request, month, data_month)
    report = assemble_ipr(data_month)
    open_items = selectors.month_close(data_month, today(), report).open_items
    form = PublishForm(request.POST, open_items=open_items)
    if form.is_valid():
        try:
            edition = actions.publish_ipr(
                by=request.user,
                data_month=data_month,
                note=form.cleaned_data["note"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except actions.NothingToPublish as refusal:
            messages.info(request, refusal.message)
            return redirect("reporting:month_close", month=month)
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(
                request,
                f"Published {edition}. It will render exactly like this from now on: "
                "export the pack, then send it below.",
            )
            page = reverse("reporting:ipr", kwargs={"month": month})
            return redirect(f"{page}?revision={edition.revision}")
    return _page(request, month, data_month, publish_form=form)


@require_POST
@permission_required("portal.close_month", raise_exception=True)
def remind(request: HttpRequest, month: str) -> HttpResponse:
    """Remind one unit's leads of what it still owes for one of the month's periods."""
    data_month = data_month_in_address(month)
    unit_id, period_id = parse_id(request.POST.get("unit")), parse_id(request.POST.get("period"))
    if unit_id is None or period_id is None:
        messages.error(request, "Choose a unit to remind from the list.")
        return redirect("reporting:month_close", month=month)
    unit = get_object_or_404(OrganisationalUnit, pk=unit_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id)
    try:
        sent = close_actions.remind_unit(
            by=request.user, data_month=data_month, unit=unit, period=period
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        went = [message for message in sent if message.sent]
        failed = [message for message in sent if not message.sent]
        if went:
            to = ", ".join(address for message in went for address in message.recipients)
            messages.success(request, f"Reminded the leads of {unit.name} of {period.label}: {to}.")
        if failed:
            to = ", ".join(address for message in failed for address in message.recipients)
            messages.error(request, f"Not sent to {to}: {failed[0].error}")
    # Back to the top of the page, where the message is.
    return redirect("reporting:month_close", month=month)


@permission_required("portal.close_month", raise_exception=True)
def distribute(request: HttpRequest, month: str, revision: int) -> HttpResponse:
    """Send a published edition's pack to the Board's distribution list."""
    data_month = data_month_in_address(month)
    edition = get_object_or_404(
        IprEdition.objects.defer("report"), data_month=data_month, revision=revision
    )
    if request.method != "POST":
        return redirect(f"{reverse('reporting:month_close', kwargs={'month': month})}#send")
    form = DistributeForm(request.POST)
    if form.is_valid():
        try:
            sent = close_actions.distribute_pack(
                by=request.user,
                edition=edition,
                recipients=form.cleaned_data["recipients"],
                message=form.cleaned_data["message"],
                attach=form.cleaned_data["delivery"] == "attach",
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            if sent.sent:
                messages.success(
                    request,
                    f"Sent revision {edition.revision}’s pack to "
                    f"{len(sent.recipients)} address{'es' if len(sent.recipients) != 1 else ''}.",
                )
            else:
                messages.error(request, f"The pack was not sent. {sent.error}")
            return redirect("reporting:month_close", month=month)
    return _page(request, month, data_month, distribute_form=form)
