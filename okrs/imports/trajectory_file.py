"""Reading an uploaded file of trajectory targets: a CSV or XLSX with the columns
unit, period and target, one row a period, for one or more units of one OKR.

Each unit's rows must name periods of the OKR's frequency that follow one another
with none missing (in any order in the file); they become that unit's trajectory
from its first period. Every problem is reported by row, and a file with any
problem records nothing (see `okrs.actions.record_trajectories`).
"""

from dataclasses import dataclass
from decimal import Decimal

from objectives.models import OrganisationalUnit
from okrs import periods
from okrs.imports.matching import name_key, span_named
from okrs.imports.reading import FileProblem, Layout, read_table
from okrs.validation import parse_number

TRAJECTORY_FILE = Layout(
    ("unit", "period", "target"), ("unit", "period", "target"), "targets", has_template=False
)
# The most problems listed at once: enough to fix a file, short enough to read.
MOST_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class UnitPath:
    """One unit's targets from a file: its first period and a target per period."""

    unit: OrganisationalUnit
    first_period: periods.PeriodSpan
    values: list[Decimal]


def read_trajectory_file(
    filename: str, content: bytes, *, units: list[OrganisationalUnit], frequency: str
) -> list[UnitPath]:
    """The trajectories a file holds, unit by unit in the units' order, or a
    `FileProblem` listing what is wrong, row by row."""
    by_name = {}
    for unit in units:
        by_name[name_key(unit.slug)] = unit
        by_name[name_key(unit.short_name)] = unit
    problems: list[str] = []
    targets: dict[int, dict] = {}
    for number, cells in read_table(filename, content, TRAJECTORY_FILE):
        unit = by_name.get(name_key(cells["unit"]))
        span = span_named(cells["period"])
        try:
            value = parse_number(cells["target"])
        except ValueError:
            value = None
        if unit is None:
            problems.append(f"Row {number}: there is no unit ‘{cells['unit'][:40]}’")
        elif span is None or span.frequency != frequency:
            problems.append(
                f"Row {number}: ‘{cells['period'][:40]}’ is not a {frequency} period, like "
                + ("‘Q2 2020/21’" if frequency == periods.QUARTERLY else "‘September 2020’")
            )
        elif value is None:
            problems.append(f"Row {number}: the target ‘{cells['target'][:20]}’ is not a number")
        elif span.starts_on in targets.setdefault(unit.pk, {}):
            problems.append(
                f"Row {number}: {unit.short_name} already has a target for {cells['period']}"
            )
        else:
            targets[unit.pk][span.starts_on] = (span, value)
    paths = []
    for unit in units:
        found = sorted(targets.get(unit.pk, {}).values(), key=lambda item: item[0].starts_on)
        if not found:
            continue
        for (span, _), (following, _) in zip(found, found[1:], strict=False):
            if periods.next_span(span) != following:
                problems.append(
                    f"{unit.short_name}: the periods must follow one another with none "
                    f"missing (after {periods.period_label(frequency, span.starts_on)} comes "
                    f"{periods.period_label(frequency, periods.next_span(span).starts_on)})"
                )
                break
        paths.append(UnitPath(unit, found[0][0], [value for _, value in found]))
    if problems:
        shown = problems[:MOST_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise FileProblem(
            "Nothing was recorded. "
            + "; ".join(shown)
            + (f"; and {more} more problem{'s' if more > 1 else ''}" if more else "")
            + "."
        )
    return paths
