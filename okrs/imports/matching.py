"""Turning the rows of a file into `ResultChange`s for the one planner
(okrs/result_planner.py): finding the OKR, unit and period each row names, in a fixed number
of queries whatever the number of rows, and refusing rows that repeat another.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from objectives.models import OrganisationalUnit
from okrs import periods
from okrs.imports.reading import COMMENT_MAX_LENGTH, FileRow
from okrs.models import KeyResult, ReportingPeriod, Target
from okrs.ratings import Rag
from okrs.result_planner import (
    Outcome,
    ResultChange,
)
from okrs.selectors import TRAJECTORIES
from okrs.selectors.submissions import target_in_words
from okrs.targets_in_force import TargetInForce
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
    # What saving it would store, the target it would be rated against and the
    # rating it would get (okrs.targets.rating_for), for the preview to show.
    value: Decimal | None = None
    target: TargetInForce | None = None
    rating: Rag | None = None

    @property
    def target_text(self) -> str:
        if self.rating is None:  # not rated: a row in error, or one not read
            return ""
        return target_in_words(self.change.key_result, self.target)

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
    """The OKRs (with their targets and trajectories), units and periods the rows name:
    six queries."""
    codes = {row.okr_code for row in rows if row.okr_code}
    key_results = KeyResult.objects.filter(
        code__in=codes | {code.lower() for code in codes}
    ).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("effective_from")), TRAJECTORIES
    )
    units: dict[str, list[OrganisationalUnit]] = defaultdict(list)
    for unit in OrganisationalUnit.objects.all():
        for name in {name_key(unit.slug), name_key(unit.short_name)}:
            units[name].append(unit)
    spans = {span for row in rows if (span := span_named(row.period)) is not None}
    found = ReportingPeriod.objects.filter(starts_on__in={span.starts_on for span in spans})
    return Lookups(
        key_results={key_result.code: key_result for key_result in key_results},
        units=dict(units),
        periods={(period.frequency, period.starts_on): period for period in found},
    )


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def span_named(label: str) -> periods.PeriodSpan | None:
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
        # Empty: no value and, for an OKR of numerators and denominators, neither.
        if _is_empty_value(row.value) and not (row.numerator or row.denominator):
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
            raw_numerator=row.numerator,
            raw_denominator=row.denominator,
            comment=row.comment,
            seen_version=row.seen_version,
            check_version=row.check_version,
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
    found = lookups.units.get(name_key(name), [])
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
    span = span_named(label)
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
