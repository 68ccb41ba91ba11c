"""What saving a file's rows would do, row by row (the preview), and saving them:
the rows come as changes from `matching`, and go to the one planner
(okrs/result_planner.py).

The rules are not here. Whether a value is a number, needs a comment, may be
entered by this person in this window or needs a reason is decided by
`plan_result_changes`, and the writing by `apply_result_changes`, exactly as for
the entry form. This module reports back per row: new, changed, unchanged, skipped
or error, with the problems grouped so the preview stays small whatever the file.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from objectives.text import plain_text
from okrs.actions import apply_result_changes
from okrs.imports.matching import (
    ProblemGroup,
    RowOutcome,
    UploadRow,
    build_changes,
    load_lookups,
)
from okrs.imports.reading import FileRow, read_result_file
from okrs.models import KeyResult
from okrs.result_planner import (
    REASON_REQUIRED,
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
)
from okrs.selectors import unit_target
from okrs.targets import rating_for

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
    # Saved as submitted (an upload) or as drafts (the API or the warehouse feed may ask).
    submit: bool = True
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
    *,
    by,
    rows: list[FileRow],
    reason: str,
    today: datetime.date,
    lock: bool = False,
    submit: bool = True,
) -> UploadPreview:
    """What saving these rows would do, row by row, writing nothing: submitted, as
    an upload always is, or (`submit=False`: the API's and the warehouse feed's
    drafts) kept as drafts for the unit's lead to confirm.

    The planner sees the rows a unit and period at a time, so a refusal (not this
    person's unit, window closed) marks the rows it concerns. The existing results
    are read once for all of them (and locked until the transaction ends, with
    `lock`, so a commit that follows saves exactly what this preview says).
    """
    built = build_changes(rows, load_lookups(rows))
    preview = UploadPreview(rows=built, reason=reason.strip(), submit=submit)
    planned = [row for row in built if row.change is not None]
    existing = existing_results([row.change for row in planned], lock=lock)
    groups: dict[tuple[int, int], list[UploadRow]] = defaultdict(list)
    for row in planned:
        groups[(row.change.unit.pk, row.change.period.pk)].append(row)
    for group in groups.values():
        plan = plan_result_changes(
            by=by,
            changes=[row.change for row in group],
            submit=submit,
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


def _rate(row: UploadRow, value: Decimal | None) -> None:
    """The value a row would store, its target then (from the OKR's targets and
    trajectories, read with the lookups) and the rating it would get."""
    change = row.change
    key_result = change.key_result
    row.value = value
    row.target = unit_target(key_result, change.period, change.unit.pk)
    row.rating = rating_for(
        value,
        target=row.target.value if row.target else None,
        direction=key_result.direction,
        tolerance=key_result.tolerance or Decimal(0),
        tolerance_kind=key_result.tolerance_kind,
        achieved=key_result.status == KeyResult.Status.ACHIEVED,
    )


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
            _rate(row, item.value)
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
    submit: bool = True,
) -> UploadPreview:
    """Read a file, preview it and, unless it is a dry run or has errors, save it:
    the command line's import. Raises `FileProblem` if the file cannot be read."""
    rows = read_result_file(filename, content)
    reason = plain_text(reason).strip()
    preview = preview_rows(
        by=by, rows=rows, reason=reason, today=today, lock=not dry_run, submit=submit
    )
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
        submit=preview.submit,
        reason=preview.reason,
        today=today,
    )
    if plan.has_errors:
        fresh = UploadPreview(rows=preview.rows, reason=preview.reason, submit=preview.submit)
        for row in changes:
            row.messages, row.writes = [], False
        _record_plan(fresh, changes, plan)
        return fresh
    preview.saved = len(plan.writes)
    return preview
