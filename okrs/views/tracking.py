"""Submission tracking: for executives and board secretaries, what each unit has
submitted for a period, and what is missing or late."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from objectives.text import parse_id
from okrs.models import ReportingPeriod
from okrs.selectors import tracking
from okrs.selectors.submissions import SubmissionStatus


def today() -> datetime.date:
    """The day statuses are worked out for (tests replace it with a fixed day)."""
    return timezone.localdate()


@permission_required("portal.track_submissions", raise_exception=True)
def submissions(request: HttpRequest, period: int | None = None) -> HttpResponse:
    day = today()
    chosen = parse_id(request.GET.get("period"))
    if period is None and chosen is not None:
        # The period selector is a GET form; give the choice its own address.
        return redirect("okrs:tracking", period=chosen)
    if period is None:
        shown = tracking.default_period(day)
    else:
        shown = get_object_or_404(ReportingPeriod, pk=period)
    return render(
        request,
        "okrs/tracking.html",
        {
            "period": shown,
            "today": day,
            "period_groups": tracking.period_choices(day),
            "tracking": tracking.submission_tracking(shown, day) if shown else None,
            "statuses": [SubmissionStatus.LABELS[status] for status in tracking.STATUSES],
        },
    )
