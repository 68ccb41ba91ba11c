"""Turning the rows of a file into `ResultChange`s for the one planner
(okrs/entry.py), and what saving them would do, row by row.

The rules are not here. Whether a value is a number, needs a comment, may be
entered by this person in this window or needs a reason is decided by
`plan_result_changes`, and the writing by `apply_result_changes`, exactly as for
the entry form. This module finds the OKR, unit and period each row names (a fixed
number of queries, whatever the number of rows) and reports back per row: new,
changed, unchanged, skipped or error.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch

from objectives.models import OrganisationalUnit
from objectives.text import plain_text
from okrs import periods
from okrs.actions import apply_result_changes
from okrs.entry import (
    REASON_REQUIRED,
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
)
from okrs.imports.reading import COMMENT_MAX_LENGTH, FileRow, read_result_file
from okrs.models import KeyResult, ReportingPeriod, Target
from okrs.validation import parse_number


class RowOutcome:
    """What a row of a file does. The planner's words, plus 'skipped'."""

    NEW = Outcome.NEW.value
    CHANGED = Outcome.CHANGED.value
    UNCHANGED = Outcome.UNCHANGED.value
    ERROR = Outcome.ERROR.value
    SKIPPED = "skipped"

    ORDER = (NEW, CHANGED, UNCHANGED, ERROR, SKIPPED)


@dataclass
class UploadRow:
    row: FileRow
    change: ResultChange | None = None
    outcome: str = ""
    messages: list[str] = field(default_factory=list)
    # Saving would write it (new, changed, or a draft now submitted).
    writes: bool = False
    # The version of the result it would change, as the preview saw it.
    existing_version: int | None = None

    @property
    def message(self) -> str:
        return "; ".join(self.messages)

    def refuse(self, message: str) -> None:
        self.outcome = RowOutcome.ERROR
        self.messages.append(message)


@dataclass
class Lookups:
    """What a file's rows name, found in a fixed number of queries."""

    key_results: dict[str, KeyResult]
    units: dict[str, list[OrganisationalUnit]]
    periods: dict[tuple[str, datetime.date], ReportingPeriod]


def load_lookups(rows: list[FileRow]) -> Lookups:
    """The OKRs (with their targets), units and periods the rows name: four queries."""
    codes = {row.okr_code for row in rows if row.okr_code}
    key_results = KeyResult.objects.filter(
        code__in=codes | {code.lower() for code in codes}
    ).prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from")))
    units: dict[str, list[OrganisationalUnit]] = defaultdict(list)
    for unit in OrganisationalUnit.objects.all():
        for name in {_name_key(unit.slug), _name_key(unit.short_name)}:
            units[name].append(unit)
    spans = {span for row in rows if (span := _span(row.period)) is not None}
    found = ReportingPeriod.objects.filter(starts_on__in={span.starts_on for span in spans})
    return Lookups(
        key_results={key_result.code: key_result for key_result in key_results},
        units=dict(units),
        periods={(period.frequency, period.starts_on): period for period in found},
    )


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _span(label: str) -> periods.PeriodSpan | None:
    """The period a label names, tolerating case ('september 2020', 'q2 2020/21')."""
    text = " ".join(label.split())
    for candidate in (text, text.title(), text.upper()):
        try:
            return periods.parse_period_label(candidate)
        except ValueError:
            continue
    return None


def _is_empty_value(raw: str) -> bool:
    """Empty as the planner reads it ('' or only '£', '%', commas or spaces)."""
    try:
        return parse_number(raw) is None
    except ValueError:
        return False


def build_changes(rows: list[FileRow], lookups: Lookups) -> list[UploadRow]:
    """Each row as a `ResultChange`, or why it cannot be one. Pure given the lookups."""
    built = []
    for row in rows:
        item = UploadRow(row=row)
        built.append(item)
        if _is_empty_value(row.value):
            if row.comment:
                item.refuse(
                    "Enter a value. An empty value leaves the result as it is, "
                    "so a comment cannot be saved without one"
                )
            else:
                item.outcome = RowOutcome.SKIPPED
                item.messages.append("No value: left as it is")
            continue
        key_result = _find_key_result(item, lookups)
        unit = _find_unit(item, lookups)
        period = _find_period(item, lookups)
        if len(row.comment.strip()) > COMMENT_MAX_LENGTH:
            item.refuse(
                f"Keep the comment to {COMMENT_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(row.comment.strip()):,})"
            )
        if item.outcome == RowOutcome.ERROR:
            continue
        item.change = ResultChange(
            key_result=key_result,
            unit=unit,
            period=period,
            raw_value=row.value,
            comment=row.comment,
            check_version=False,
            label=f"row {row.number}",
        )
    _refuse_duplicates(built)
    return built


def _shown(text: str, limit: int = 60) -> str:
    """Text from the file as a message repeats it: a name, shortened if it is long."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _find_key_result(item: UploadRow, lookups: Lookups) -> KeyResult | None:
    code = item.row.okr_code
    if not code:
        item.refuse("Enter the OKR code")
        return None
    found = lookups.key_results.get(code) or lookups.key_results.get(code.lower())
    if found is None:
        item.refuse(f"There is no OKR with the code {_shown(code)}")
    return found


def _find_unit(item: UploadRow, lookups: Lookups) -> OrganisationalUnit | None:
    name = item.row.unit
    if not name:
        item.refuse("Enter the unit")
        return None
    found = lookups.units.get(_name_key(name), [])
    if not found:
        item.refuse(
            f"There is no unit called {_shown(name)}: use its short name or slug, e.g. Bucks MH"
        )
        return None
    if len(found) > 1:
        item.refuse(f"More than one unit is called {_shown(name)}: use its slug")
        return None
    return found[0]


def _find_period(item: UploadRow, lookups: Lookups) -> ReportingPeriod | None:
    label = item.row.period
    if not label:
        item.refuse("Enter the period, e.g. Q2 2020/21 or September 2020")
        return None
    span = _span(label)
    if span is None:
        item.refuse(f"{_shown(label)} is not a period: write Q2 2020/21 or September 2020")
        return None
    found = lookups.periods.get((span.frequency, span.starts_on))
    if found is None:
        item.refuse(
            f"{periods.period_label(span.frequency, span.starts_on)} is not a reporting "
            "period yet: results can be entered only for periods that have been set up"
        )
    return found


def _refuse_duplicates(rows: list[UploadRow]) -> None:
    """Two rows for one OKR, unit and period: which should win is not ours to guess."""
    by_key: dict[tuple[int, int, int], list[UploadRow]] = defaultdict(list)
    for item in rows:
        if item.change is not None:
            change = item.change
            by_key[(change.key_result.pk, change.unit.pk, change.period.pk)].append(item)
    # The first row names the others (a few, then how many more) and the others name
    # the first: each message is short whatever the number of copies, so a file of
    # 5,000 copies makes a preview of 5,000 short messages, not of 25 million numbers.
    for same in by_key.values():
        if len(same) < 2:
            continue
        first, *others = same
        for item in same:
            item.change = None
        numbers = [other.row.number for other in others]
        rows_give = "Row" if len(numbers) == 1 else "Rows"
        verb = "gives" if len(numbers) == 1 else "give"
        first.refuse(
            f"{rows_give} {row_numbers(numbers)} also {verb} this OKR, unit and period: "
            "keep one row"
        )
        for item in others:
            item.refuse(
                f"Row {first.row.number} also gives this OKR, unit and period: keep one row"
            )


def row_numbers(numbers: list[int], shown: int = 5) -> str:
    """[3, 4] → '3 and 4'; forty numbers → '3, 4, 5, 6, 7 and 35 more'."""
    if len(numbers) == 1:
        return str(numbers[0])
    if len(numbers) <= shown:
        return f"{', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
    return f"{', '.join(map(str, numbers[:shown]))} and {len(numbers) - shown:,} more"


@dataclass(frozen=True)
class ProblemGroup:
    """Rows refused for the same reason, listed once."""

    message: str
    rows: list[int]

    @property
    def label(self) -> str:
        if len(self.rows) == 1:
            return f"Row {self.rows[0]}"
        return f"Rows {row_numbers(self.rows)}"


# --- Preview and commit ----------------------------------------------------------

# Rows listed one by one in a preview (the counts cover every row): enough to see what
# is wrong or what would change, while the page stays a few hundred kilobytes.
MAX_ROWS_LISTED = 200
# Distinct problems listed at the top of a preview.
MAX_PROBLEMS_LISTED = 20


@dataclass
class UploadPreview:
    rows: list[UploadRow]
    reason: str = ""
    general_errors: list[str] = field(default_factory=list)
    # After a commit: how many values were written.
    saved: int | None = None
    # A confirmation was refused because results changed since the preview was shown.
    stale: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(
            row.outcome == RowOutcome.ERROR for row in self.rows
        )

    @property
    def changes(self) -> list[ResultChange]:
        return [row.change for row in self.rows if row.change is not None]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowOutcome.ORDER, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def writes(self) -> int:
        return sum(1 for row in self.rows if row.writes)

    @property
    def error_rows(self) -> list[UploadRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.ERROR]

    @property
    def problem_groups(self) -> list[ProblemGroup]:
        """The rows in error grouped by their message, in the order of the file."""
        groups: dict[str, list[int]] = {}
        for row in self.error_rows:
            groups.setdefault(row.message, []).append(row.row.number)
        return [ProblemGroup(message, rows) for message, rows in groups.items()]

    @property
    def listed_problems(self) -> list[ProblemGroup]:
        return self.problem_groups[:MAX_PROBLEMS_LISTED]

    @property
    def problem_rows_not_listed(self) -> int:
        """Rows in error beyond the problems listed at the top."""
        return len(self.error_rows) - sum(len(group.rows) for group in self.listed_problems)

    @property
    def listed_rows(self) -> list[UploadRow]:
        """The rows the preview lists one by one: all of a small file; of a large one,
        the first rows in error or, without errors, the first rows saving would write.
        The counts always cover every row, and the page stays a bounded size."""
        if len(self.rows) <= MAX_ROWS_LISTED:
            return self.rows
        if self.error_rows:
            return self.error_rows[:MAX_ROWS_LISTED]
        writing = [row for row in self.rows if row.writes]
        return (writing or self.rows)[:MAX_ROWS_LISTED]

    @property
    def listed_of(self) -> tuple[int, str] | None:
        """(how many, of what) the listed rows are the first of, when not every row."""
        if len(self.rows) <= MAX_ROWS_LISTED:
            return None
        if self.error_rows:
            return len(self.error_rows), "rows in error"
        writing = self.writes
        return (writing, "rows that would be saved") if writing else (len(self.rows), "rows")

    @property
    def needs_reason_only(self) -> bool:
        return self.general_errors == [REASON_REQUIRED] and not self.error_rows

    @property
    def fingerprint(self) -> str:
        """What the preview showed, so a confirmation can tell it is still true."""
        shown = "\n".join(
            f"{row.row.number}:{row.outcome}:{row.existing_version}:{row.writes}"
            for row in self.rows
        )
        return hashlib.sha256(f"{self.reason}\n{shown}".encode()).hexdigest()


def preview_rows(
    *, by, rows: list[FileRow], reason: str, today: datetime.date, lock: bool = False
) -> UploadPreview:
    """What saving these rows would do, row by row, writing nothing.

    The planner sees the rows a unit and period at a time, so a refusal (not this
    person's unit, window closed) marks the rows it concerns. The existing results
    are read once for all of them (and locked until the transaction ends, with
    `lock`, so a commit that follows saves exactly what this preview says).
    """
    built = build_changes(rows, load_lookups(rows))
    preview = UploadPreview(rows=built, reason=reason.strip())
    planned = [row for row in built if row.change is not None]
    existing = existing_results([row.change for row in planned], lock=lock)
    groups: dict[tuple[int, int], list[UploadRow]] = defaultdict(list)
    for row in planned:
        groups[(row.change.unit.pk, row.change.period.pk)].append(row)
    for group in groups.values():
        plan = plan_result_changes(
            by=by,
            changes=[row.change for row in group],
            submit=True,
            reason=reason,
            today=today,
            existing=existing,
        )
        _record_plan(preview, group, plan)
        for problem in plan.general_errors:
            if problem != REASON_REQUIRED:
                for row in group:
                    row.refuse(problem)
    return preview


def _record_plan(preview: UploadPreview, rows: list[UploadRow], plan: ChangePlan) -> None:
    writes = {id(item) for item in plan.writes}
    for row, item in zip(rows, plan.items, strict=True):
        row.writes = id(item) in writes
        row.existing_version = item.existing.version if item.existing else None
        if item.errors:
            row.refuse(item.message)
        elif item.outcome in (Outcome.EMPTY, Outcome.REMOVED):  # pragma: no cover - see below
            # Rows with an empty value never reach the planner (build_changes), so an
            # upload cannot empty a value; refuse rather than trust that silently.
            row.refuse("An upload cannot remove a value")
        else:
            row.outcome = item.outcome.value
            if row.writes and item.outcome == Outcome.UNCHANGED:
                row.messages.append("Draft: will be submitted")
    for problem in plan.general_errors:
        if problem not in preview.general_errors:
            preview.general_errors.append(problem)


@transaction.atomic
def import_file(
    *,
    by,
    filename: str,
    content: bytes,
    reason: str,
    today: datetime.date,
    dry_run: bool = False,
) -> UploadPreview:
    """Read a file, preview it and, unless it is a dry run or has errors, save it:
    the command line's import. Raises `FileProblem` if the file cannot be read."""
    rows = read_result_file(filename, content)
    reason = plain_text(reason).strip()
    preview = preview_rows(by=by, rows=rows, reason=reason, today=today, lock=not dry_run)
    if dry_run:
        return preview
    return commit_preview(by=by, preview=preview, today=today)


@transaction.atomic
def commit_preview(*, by, preview: UploadPreview, today: datetime.date) -> UploadPreview:
    """Save every change in the preview, or none.

    `apply_result_changes` plans again with the rows locked, so a value someone
    changed since the preview is compared afresh, never overwritten blindly. If that
    plan finds a problem, the returned preview shows it and nothing is saved.
    """
    if preview.has_errors:
        return preview
    changes = [row for row in preview.rows if row.change is not None]
    plan = apply_result_changes(
        by=by,
        changes=[row.change for row in changes],
        submit=True,
        reason=preview.reason,
        today=today,
    )
    if plan.has_errors:
        fresh = UploadPreview(rows=preview.rows, reason=preview.reason)
        for row in changes:
            row.messages, row.writes = [], False
        _record_plan(fresh, changes, plan)
        return fresh
    preview.saved = len(plan.writes)
    return preview
