"""Reads of the process changes recorded per OKR × unit: for the IPR's charts (every
series at once, in one query) and for the administrators' pages."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from objectives.models import OrganisationalUnit
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import KeyResult
from reporting.models import ProcessChange

SeriesKey = tuple[int, int]  # (key_result_id, unit_id)


def process_changes_by_series(
    key_result_ids: Iterable[int],
) -> dict[SeriesKey, list[ProcessChange]]:
    """The process changes of these OKRs, per (key_result_id, unit_id), oldest first,
    in one query. Series with none are absent. Each change carries `starts_on`,
    `reason` and `baseline_values`, as `reporting.spc.process_changes.partitioning_for`
    reads them."""
    ids = list(key_result_ids)
    if not ids:
        return {}
    by_series: dict[SeriesKey, list[ProcessChange]] = {}
    rows = ProcessChange.objects.filter(key_result_id__in=ids).order_by(
        "key_result_id", "unit_id", "starts_on"
    )
    for change in rows:
        by_series.setdefault((change.key_result_id, change.unit_id), []).append(change)
    return by_series


@dataclass(frozen=True)
class ProcessChangeRow:
    change: ProcessChange
    #: The period it starts, as the OKR's periods are named ('July 2021', 'Q2 2021/22').
    period: str


def process_changes_of(key_result: KeyResult) -> list[ProcessChangeRow]:
    """An OKR's process changes, unit by unit (in the units' order), oldest first
    (one query)."""
    changes = key_result.process_changes.select_related("unit", "recorded_by").order_by(
        "unit__order", "unit__name", "starts_on"
    )
    return [
        ProcessChangeRow(change, periods.period_label(key_result.frequency, change.starts_on))
        for change in changes
    ]


def process_change_of(key_result: KeyResult, pk: int) -> ProcessChange:
    """One of the OKR's process changes, or a 404 (also for another OKR's)."""
    return get_object_or_404(
        ProcessChange.objects.select_related("unit", "key_result"), pk=pk, key_result=key_result
    )


def units_for_process_changes() -> QuerySet[OrganisationalUnit]:
    return OrganisationalUnit.objects.order_by("order", "name")


def periods_for_process_change(
    key_result: KeyResult, today: datetime.date | None = None
) -> list[periods.PeriodSpan]:
    """The periods a changed process can start in, newest first: every period at the
    OKR's frequency within the months the portal reports on (one query)."""
    if key_result.frequency not in (periods.MONTHLY, periods.QUARTERLY):
        return []
    months = okr_selectors.reportable_months(today)
    span = periods.span_containing(key_result.frequency, months.first)
    if span.starts_on < months.first:
        span = periods.next_span(span)
    spans = []
    while span.starts_on <= months.last:
        spans.append(span)
        span = periods.next_span(span)
    return spans[::-1]
