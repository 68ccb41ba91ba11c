"""The month close: what is still open before a month's report goes to the Board.

`checklist` is a pure function over what the selectors read: the month's
submissions (each unit's owed values with their status), the assembled report
(narratives, exceptions, rules assumed) and whether the month has ended. It feeds
the month-close page, the publishing action (which records the items still open
with the edition) and their tests.

The items, in the order a board secretary works through them:

1. the data month has ended (until then nothing can be published);
2. every unit has submitted what it owes for the month (and, for quarterly OKRs,
   for the quarter the report shows): units with values not entered or not
   submitted, with their leads, who can be reminded;
3. no value is left as a draft (saved by the lead but not submitted);
4. the Chief Executive's overall summary, and each objective's executive summary,
   is written and signed (by the Chief Executive; by the objective's executive
   director);
5. each OKR with exceptions has its commentary (one per OKR, whatever the number
   of units listed);
6. no rule the ratings follow is still assumed (not yet confirmed as the Trust's);
7. each programme has its lead's report for the month.

Item 1 blocks publishing; the others can be left open, with a reason recorded.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from objectives.models import OrganisationalUnit, Person
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.selectors.submissions import UnitSubmission
from reporting.ipr.types import Ipr

EXECUTIVE_SUMMARY = "Executive summary"


@dataclass(frozen=True)
class OutstandingUnit:
    """A unit that has not submitted everything it owes for a period."""

    unit: OrganisationalUnit
    period: ReportingPeriod
    leads: tuple[Person, ...]
    not_entered: int
    drafts: int
    is_late: bool
    # Past the period's window: only a board secretary or administrator can enter
    # the values now, so the reminder asks the leads to send them.
    entry_closed: bool
    last_reminded: datetime.datetime | None

    @property
    def outstanding(self) -> int:
        return self.not_entered + self.drafts


@dataclass(frozen=True)
class DraftValue:
    unit: OrganisationalUnit
    period: ReportingPeriod
    key_result: KeyResult


@dataclass(frozen=True)
class SummaryToFinish:
    """An executive summary not written, or not signed: an objective's, or (no
    objective) the Chief Executive's overall summary."""

    objective_id: int | None
    number: int
    name: str
    executives: str
    written: bool


@dataclass(frozen=True)
class CommentaryToWrite:
    """An OKR with exceptions and no commentary: once per OKR, with its units."""

    objective_id: int
    objective_number: int
    code: str
    statement: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeToReport:
    """A programme with no report from its lead for the month."""

    objective_id: int
    objective: str
    title: str
    lead: str | None
    last_report: str | None


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class Checklist:
    data_month: datetime.date
    month_ends_on: datetime.date
    month_ended: bool
    outstanding: tuple[OutstandingUnit, ...]
    drafts: tuple[DraftValue, ...]
    summaries_expected: int
    summaries: tuple[SummaryToFinish, ...]
    commentaries: tuple[CommentaryToWrite, ...]
    assumed_rules: int
    programmes: tuple[ProgrammeToReport, ...] = ()

    @property
    def values_outstanding(self) -> int:
        return sum(unit.outstanding for unit in self.outstanding)

    @property
    def units_outstanding(self) -> int:
        return len({unit.unit.pk for unit in self.outstanding})

    @property
    def exceptions_without_commentary(self) -> int:
        return sum(len(item.units) for item in self.commentaries)

    @property
    def open_items(self) -> list[str]:
        """Each open item in words, as recorded with an edition published with it
        open. The month not having ended is not among them: it blocks publishing."""
        items = []
        if self.outstanding:
            items.append(
                f"{_plural(self.units_outstanding, 'unit')} still "
                f"{'owes' if self.units_outstanding == 1 else 'owe'} "
                f"{_plural(self.values_outstanding, 'value')}"
            )
        if self.drafts:
            items.append(
                f"{_plural(len(self.drafts), 'value')} saved as "
                f"{'a draft' if len(self.drafts) == 1 else 'drafts'}, not submitted"
            )
        if self.summaries:
            not_written = sum(1 for summary in self.summaries if not summary.written)
            not_signed = len(self.summaries) - not_written
            parts = [f"{not_written} not written"] if not_written else []
            parts += [f"{not_signed} not signed"] if not_signed else []
            expected = _plural(self.summaries_expected, "executive summary", "executive summaries")
            items.append(f"{' and '.join(parts)} of {expected}")
        if self.commentaries:
            items.append(
                f"{_plural(len(self.commentaries), 'OKR')} with exceptions "
                f"({_plural(self.exceptions_without_commentary, 'value')}) "
                f"{'has' if len(self.commentaries) == 1 else 'have'} no commentary"
            )
        if self.assumed_rules:
            items.append(
                f"{_plural(self.assumed_rules, 'rule')} the ratings follow "
                f"{'is' if self.assumed_rules == 1 else 'are'} assumed, not yet confirmed"
            )
        if self.programmes:
            items.append(
                f"{_plural(len(self.programmes), 'programme')} "
                f"{'has' if len(self.programmes) == 1 else 'have'} no report for the month"
            )
        return items

    @property
    def is_clear(self) -> bool:
        return self.month_ended and not self.open_items


def count_assumed_rules(report: Ipr) -> int:
    """The rules a report applies that are assumed: the exceptions rule, each
    objective's rating rule, each OKR's tolerance and definition."""
    count = int(report.summary.exceptions_rule_assumed)
    for objective in report.objectives:
        count += int(objective.rating_rule_assumed)
        for okr in objective.okrs:
            count += int(okr.tolerance_assumed) + int(okr.definition_assumed)
    return count


def _summaries_to_finish(report: Ipr) -> list[SummaryToFinish]:
    unfinished = []
    overall = report.overall_summary
    if overall is None or not overall.text.strip() or not overall.signed_by:
        unfinished.append(
            SummaryToFinish(
                objective_id=None,
                number=0,
                name="The overall summary",
                executives="Chief Executive",
                written=overall is not None and bool(overall.text.strip()),
            )
        )
    for objective in report.objectives:
        summary = next(
            (n for n in objective.narratives if n.kind == EXECUTIVE_SUMMARY and n.text.strip()),
            None,
        )
        if summary is not None and summary.signed_by:
            continue
        executives = "; ".join(
            f"{executive.role} ({', '.join(executive.holders) or 'vacant'})"
            for executive in objective.executives
        )
        unfinished.append(
            SummaryToFinish(
                objective_id=objective.id,
                number=objective.number,
                name=objective.short_name or objective.title,
                executives=executives or "No executive director recorded",
                written=summary is not None,
            )
        )
    return unfinished


def _commentaries_to_write(report: Ipr) -> list[CommentaryToWrite]:
    missing = []
    for objective in report.objectives:
        for okr in objective.okrs:
            units = tuple(cell.unit for cell in okr.cells if cell.exceptions)
            written = okr.commentary is not None and any(
                text.strip() for _, text in okr.commentary.headed_sections
            )
            if units and not written:
                missing.append(
                    CommentaryToWrite(
                        objective_id=objective.id,
                        objective_number=objective.number,
                        code=okr.code,
                        statement=okr.statement,
                        units=units,
                    )
                )
    return missing


def checklist(
    *,
    data_month: datetime.date,
    month_ends_on: datetime.date,
    today: datetime.date,
    submissions: Iterable[UnitSubmission],
    leads: Mapping[int, Sequence[Person]],
    report: Ipr,
    last_reminded: Mapping[tuple[int, int], datetime.datetime] | None = None,
) -> Checklist:
    """The month-close checklist for `report`'s month on `today`, from the
    submissions owed for the periods the report shows, the leads of each unit (by
    unit id) and when each unit was last reminded of each period (by unit and
    period id)."""
    last_reminded = last_reminded or {}
    outstanding, drafts = [], []
    for submission in submissions:
        owed = [value for value in submission.values if value.result is None]
        drafted = [
            value
            for value in submission.values
            if value.result is not None and value.result.status == Result.Status.DRAFT
        ]
        drafts += [DraftValue(value.unit, submission.period, value.key_result) for value in drafted]
        if owed or drafted:
            outstanding.append(
                OutstandingUnit(
                    unit=submission.unit,
                    period=submission.period,
                    leads=tuple(leads.get(submission.unit.pk, ())),
                    not_entered=len(owed),
                    drafts=len(drafted),
                    is_late=today > submission.period.due_on,
                    entry_closed=today > submission.period.closes_on,
                    last_reminded=last_reminded.get((submission.unit.pk, submission.period.pk)),
                )
            )
    return Checklist(
        data_month=data_month,
        month_ends_on=month_ends_on,
        month_ended=month_ends_on < today,
        outstanding=tuple(outstanding),
        drafts=tuple(drafts),
        summaries_expected=len(report.objectives) + 1,
        summaries=tuple(_summaries_to_finish(report)),
        commentaries=tuple(_commentaries_to_write(report)),
        assumed_rules=count_assumed_rules(report),
        programmes=tuple(
            ProgrammeToReport(
                objective_id=objective.id,
                objective=objective.short_name or objective.title,
                title=programme.title,
                lead=programme.lead,
                last_report=programme.updated_for,
            )
            for objective in report.objectives
            for programme in objective.programmes
            if not programme.current
        ),
    )
