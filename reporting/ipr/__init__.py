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

A kept report is also keyed by the code that assembled it (`ASSEMBLY_CODE`, a
digest of the modules that decide what a report says), so a new release never
serves a report the previous one assembled: the shared cache outlives restarts.

`prepare_reports` assembles, after each change, what the first reader would
otherwise wait for; the background worker runs it (`reporting.tasks`), so that
with a cache the worker and the web processes share, readers find it ready.
"""

import datetime
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

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
    IprProgramme,
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


# The reports this process used last, kept as they are. The Django cache (in memory
# by default) hands back a copy it unpickles each time, which for a large report
# with every cell's history cost more than drawing the page (10× trust: ~150 ms).
# A report is never changed once assembled, so one object can serve every reader.
# Each can be tens of megabytes at 10×: few are kept.
RECENT_REPORTS = 4
_recent: OrderedDict[str, Ipr] = OrderedDict()
_recent_lock = threading.Lock()


def kept_report(key: str, build: Callable[[], Ipr]) -> Ipr:
    """The report kept under `key` (this process's recent ones first, then the
    cache), else `build()`'s, kept for the readers after. `key` must name the data
    the report is made from (a data version, an edition's id)."""
    with _recent_lock:
        report = _recent.get(key)
        if report is not None:
            _recent.move_to_end(key)
            return report
    report = cache.get(key)
    if report is None:
        report = build()
        cache.set(key, report, CACHE_SECONDS)
    with _recent_lock:
        _recent[key] = report
        while len(_recent) > RECENT_REPORTS:
            _recent.popitem(last=False)
    return report


def forget_recent_reports() -> None:
    """Empty this process's recent reports (what a restart does; tests use it)."""
    with _recent_lock:
        _recent.clear()


def assemble_ipr(
    data_month: datetime.date,
    *,
    strategy: Strategy | None = None,
    with_history: bool = True,
    version: str | None = None,
) -> Ipr:
    """The IPR for the month containing `data_month`, of the current strategy unless
    another is given. Every reader has the report with each cell's full series
    (the pages, the exports and published editions read the one report);
    `with_history=False` leaves the series out, for measuring the assembly alone.
    `version` is the data version, if the caller has read it already."""
    if version is None:
        version = data_version.current()

    def build() -> Ipr:
        inputs = report_inputs(data_month, strategy=strategy)
        assembled_at = timezone.now().isoformat(timespec="seconds")
        return assemble(inputs, assembled_at=assembled_at, with_history=with_history)

    return kept_report(_cache_key(data_month, strategy, with_history, version), build)


def assembled_heading(data_month: datetime.date, *, version: str | None = None) -> ReportHeading:
    """The heading of the current strategy's report for the month (see
    `ReportHeading`), kept apart from the report: a page whose body is kept reads
    this and not the whole report."""
    if version is None:
        version = data_version.current()
    key = f"{_cache_key(data_month, None, False, version)}:heading"
    heading = cache.get(key)
    if heading is None:
        heading = heading_of(assemble_ipr(data_month, version=version))
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


def prepare_reports() -> ReportMonth | None:
    """Assemble and keep, for the data as it is now, what the first reader after a
    change would otherwise wait for: the months with results and the latest one's
    report (the month the dashboard and the IPR open on) with its heading. Returns
    that month, or None when there is nothing to report yet. A published month's
    edition needs no preparing: it is kept by its id, whatever changes after."""
    version = data_version.current()
    months = months_with_results(version=version)
    if not months or not Strategy.objects.filter(is_current=True).exists():
        return None
    assembled_heading(months[0].starts_on, version=version)
    return months[0]


def _assembly_code() -> str:
    """A digest of the source of the modules that decide what a report says: the
    assembly and its types, and the rules it applies (ratings, exceptions, SPC,
    targets, the Trust's value, how values read)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = sorted(
        [
            *(root / "reporting" / "ipr").glob("*.py"),
            *(root / "reporting" / "spc").glob("*.py"),
            root / "reporting" / "rag.py",
            root / "reporting" / "exceptions.py",
            root / "okrs" / "targets.py",
            root / "okrs" / "targets_in_force.py",
            root / "okrs" / "trust_values.py",
            root / "okrs" / "formatting.py",
        ]
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


ASSEMBLY_CODE = _assembly_code()


def _cache_key(
    data_month: datetime.date, strategy: Strategy | None, with_history: bool, version: str
) -> str:
    # "current" is safe to key on: making another strategy current is a change, so
    # it moves the data version on.
    which = strategy.pk if strategy else "current"
    month = data_month.strftime("%Y-%m")
    history = "history" if with_history else "cells"
    return f"ipr:v{SCHEMA_VERSION}:{ASSEMBLY_CODE}:data{version}:{which}:{month}:{history}"


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
    "IprProgramme",
    "IprTrendPoint",
    "IprSpcPoint",
    "IprSummary",
    "ReportHeading",
    "ReportMonth",
    "assemble",
    "assemble_ipr",
    "assembled_heading",
    "describe_changes",
    "forget_recent_reports",
    "heading_of",
    "ipr_from_dict",
    "ipr_to_dict",
    "kept_report",
    "monthly_periods_with_results",
    "months_with_results",
    "prepare_reports",
    "report_inputs",
]
