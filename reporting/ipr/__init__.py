"""The Integrated Performance Report, assembled once as plain data.

The parts, in the order the data flows:

- `selectors.report_inputs` reads what a month's report is made of, in a fixed
  number of queries whatever the size of the strategy or its history;
- `assemble.assemble` turns that into an `Ipr` (`types`), a pure function;
- `editions` stores a published report as versioned JSON and reads it back, and
  says in words what changed between two editions.

`assemble_ipr` puts the first two together and keeps the result under the data
version (`objectives.data_version`): the report is a pure function of the data,
so until something changes, a second reader gets the report already assembled
(one query to read the version) instead of assembling it again.
"""

import datetime

from django.core.cache import cache
from django.utils import timezone

from objectives import data_version
from objectives.models import Strategy
from reporting.ipr.assemble import assemble
from reporting.ipr.editions import (
    SCHEMA_VERSION,
    EditionFormatError,
    describe_changes,
    ipr_from_dict,
    ipr_to_dict,
)
from reporting.ipr.selectors import monthly_periods_with_results, report_inputs
from reporting.ipr.types import (
    Ipr,
    IprCell,
    IprChange,
    IprCommentary,
    IprExecutive,
    IprFocusArea,
    IprHistoryPoint,
    IprNarrative,
    IprObjective,
    IprOkr,
    IprOverall,
    IprSpcPoint,
    IprSummary,
    IprTrendPoint,
    ReportHeading,
    ReportMonth,
    heading_of,
)

# An assembled report is kept this long at most (seconds). The data version makes a
# kept report right for as long as it is kept (a restored backup included: see
# objectives.data_version); the limit only bounds the memory held by a month no one
# reads again.
CACHE_SECONDS = 60 * 60


def assemble_ipr(
    data_month: datetime.date,
    *,
    strategy: Strategy | None = None,
    with_history: bool = True,
    version: str | None = None,
) -> Ipr:
    """The IPR for the month containing `data_month`, of the current strategy unless
    another is given. `with_history` adds each cell's full series (exports and
    published editions need it; the web page does not). `version` is the data
    version, if the caller has read it already."""
    if version is None:
        version = data_version.current()
    key = _cache_key(data_month, strategy, with_history, version)
    report = cache.get(key)
    if report is None:
        inputs = report_inputs(data_month, strategy=strategy)
        assembled_at = timezone.now().isoformat(timespec="seconds")
        report = assemble(inputs, assembled_at=assembled_at, with_history=with_history)
        cache.set(key, report, CACHE_SECONDS)
    return report


def assembled_heading(data_month: datetime.date, *, version: str | None = None) -> ReportHeading:
    """The heading of the current strategy's report for the month (see
    `ReportHeading`), kept apart from the report: a page whose body is kept reads
    this and not the whole report."""
    if version is None:
        version = data_version.current()
    key = f"{_cache_key(data_month, None, False, version)}:heading"
    heading = cache.get(key)
    if heading is None:
        heading = heading_of(assemble_ipr(data_month, with_history=False, version=version))
        cache.set(key, heading, CACHE_SECONDS)
    return heading


def months_with_results(*, version: str | None = None) -> list[ReportMonth]:
    """The months `monthly_periods_with_results` offers, newest first, kept (as
    dates: quick to read back) under the data version: submitting a result or
    making a period is a change."""
    if version is None:
        version = data_version.current()
    key = f"ipr-months:data{version}"
    months = cache.get(key)
    if months is None:
        months = [period.starts_on for period in monthly_periods_with_results()]
        cache.set(key, months, CACHE_SECONDS)
    return [ReportMonth(month) for month in months]


def _cache_key(
    data_month: datetime.date, strategy: Strategy | None, with_history: bool, version: str
) -> str:
    # "current" is safe to key on: making another strategy current is a change, so
    # it moves the data version on.
    which = strategy.pk if strategy else "current"
    month = data_month.strftime("%Y-%m")
    history = "history" if with_history else "cells"
    return f"ipr:v{SCHEMA_VERSION}:data{version}:{which}:{month}:{history}"


__all__ = [
    "CACHE_SECONDS",
    "SCHEMA_VERSION",
    "EditionFormatError",
    "Ipr",
    "IprCell",
    "IprChange",
    "IprCommentary",
    "IprExecutive",
    "IprFocusArea",
    "IprHistoryPoint",
    "IprNarrative",
    "IprObjective",
    "IprOkr",
    "IprOverall",
    "IprTrendPoint",
    "IprSpcPoint",
    "IprSummary",
    "ReportHeading",
    "ReportMonth",
    "assemble",
    "assemble_ipr",
    "assembled_heading",
    "describe_changes",
    "heading_of",
    "ipr_from_dict",
    "ipr_to_dict",
    "monthly_periods_with_results",
    "months_with_results",
    "report_inputs",
]
