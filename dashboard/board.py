"""What the performance dashboard shows, read from an assembled report (`Ipr`):
pure functions, no database, so the dashboard never computes a figure the IPR
does not (a published edition where the month is published, else the draft).

- `matrix`: each objective's overall rating per unit with its last 12 months
  (the trend strip), its executive owners and how many of its OKR × unit cells
  have each rating;
- `off_track`: every Red cell and every cell with a special cause of concern,
  with its value, target, the sentence that rated it, the comment entered with
  the value and the executive's commentary on the OKR;
- `changes`: what moved since the previous period (new Reds, recovered,
  improved, deteriorated), the special causes of concern and what is missing;
- `owned_objectives` and `readiness`: what each reader is shown first;
- `unit_page` and `okr_in_unit`: a unit's OKRs with their ratings over time, and
  one OKR's cell for one unit.

The first three take the same `Focus` (a unit, an objective, the reader's own objectives),
so the filters in the address narrow every part of the page alike.
"""

from dataclasses import dataclass, field

from okrs.ratings import Rag, rating_marks
from reporting.ipr import Ipr, IprCell, IprChange, IprObjective, IprOkr, IprTrendPoint

# The order ratings are counted and shown in: the worst first.
RATING_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NO_DATA]


@dataclass(frozen=True)
class Focus:
    """What the reader narrowed the dashboard to (nothing: the whole Trust)."""

    unit: str | None = None  # a unit's slug
    objective: int | None = None  # an objective's number
    objectives_owned: frozenset[int] | None = None  # ids, for "my objectives"

    def keeps_objective(self, objective: IprObjective) -> bool:
        if self.objective is not None and objective.number != self.objective:
            return False
        return self.objectives_owned is None or objective.id in self.objectives_owned

    def keeps_cell(self, cell: IprCell) -> bool:
        return self.unit is None or cell.unit_slug == self.unit


@dataclass(frozen=True)
class RatingCount:
    rag: str
    label: str
    count: int


@dataclass(frozen=True)
class MatrixCell:
    unit: str
    unit_slug: str
    rag: str
    rag_label: str
    explanation: str
    # How many of the objective's OKRs have each rating for this unit (worst first,
    # only ratings that occur).
    counts: list[RatingCount]
    # The overall rating month by month, oldest first, ending with this month.
    trend: list[IprTrendPoint] = field(default_factory=list)

    @property
    def trend_marks(self) -> list[tuple[str, str, str]]:
        """The trend as a strip draws it (see `okrs.ratings.rating_marks`)."""
        return rating_marks([(point.month, point.rag) for point in self.trend])


@dataclass(frozen=True)
class MatrixRow:
    objective: IprObjective
    owners: list[str]
    cells: list[MatrixCell | None]  # one per column; None where the unit is not reported
    counts: list[RatingCount]  # across the row's units


@dataclass(frozen=True)
class Matrix:
    units: list[tuple[str, str]]  # (name, slug), in the report's order
    rows: list[MatrixRow]


@dataclass(frozen=True)
class OffTrack:
    objective: IprObjective
    okr: IprOkr
    cell: IprCell
    reasons: list[str]


@dataclass(frozen=True)
class Changes:
    new_reds: list[IprChange] = field(default_factory=list)
    recovered: list[IprChange] = field(default_factory=list)
    improved: list[IprChange] = field(default_factory=list)
    deteriorated: list[IprChange] = field(default_factory=list)
    concerns: list[IprChange] = field(default_factory=list)
    missing: list[IprChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


def _counts(cells: list[IprCell]) -> list[RatingCount]:
    counted = [(rag, sum(cell.rag == rag.value for cell in cells)) for rag in RATING_ORDER]
    return [RatingCount(rag.value, rag.label, count) for rag, count in counted if count]


def _objectives(report: Ipr, focus: Focus) -> list[IprObjective]:
    return [objective for objective in report.objectives if focus.keeps_objective(objective)]


def units(report: Ipr, focus: Focus = Focus()) -> list[tuple[str, str]]:
    """Every unit reported on, in the report's order, as (name, slug)."""
    found: dict[str, str] = {}
    for objective in report.objectives:
        for okr in objective.okrs:
            for cell in okr.cells:
                if focus.keeps_cell(cell):
                    found.setdefault(cell.unit_slug, cell.unit)
    return [(name, slug) for slug, name in found.items()]


def matrix(report: Ipr, focus: Focus = Focus()) -> Matrix:
    columns = units(report, focus)
    rows = []
    for objective in _objectives(report, focus):
        overall = {rating.unit: rating for rating in objective.overall}
        cells_by_unit: dict[str, list[IprCell]] = {}
        for okr in objective.okrs:
            for cell in okr.cells:
                cells_by_unit.setdefault(cell.unit_slug, []).append(cell)
        row_cells: list[MatrixCell | None] = []
        for name, slug in columns:
            rating = overall.get(name)
            cells = cells_by_unit.get(slug, [])
            if rating is None and not cells:
                row_cells.append(None)
                continue
            row_cells.append(
                MatrixCell(
                    unit=name,
                    unit_slug=slug,
                    rag=rating.rag if rating else Rag.NO_DATA.value,
                    rag_label=rating.rag_label if rating else Rag.NO_DATA.label,
                    explanation=rating.explanation if rating else "",
                    counts=_counts(cells),
                    trend=rating.trend if rating else [],
                )
            )
        kept = [cell for okr in objective.okrs for cell in okr.cells if focus.keeps_cell(cell)]
        owners = [holder for executive in objective.executives for holder in executive.holders]
        owners = owners or ["No executive named"]
        rows.append(MatrixRow(objective, owners, row_cells, _counts(kept)))
    return Matrix(columns, rows)


def totals(matrix: Matrix) -> list[RatingCount]:
    """How many OKR × unit cells in the matrix have each rating, worst first."""
    counts = {rag.value: 0 for rag in RATING_ORDER}
    for row in matrix.rows:
        for count in row.counts:
            counts[count.rag] += count.count
    return [RatingCount(rag.value, rag.label, counts[rag.value]) for rag in RATING_ORDER]


def only_off_track(matrix: Matrix, found: list[OffTrack]) -> Matrix:
    """The matrix narrowed to the objectives with something off track."""
    kept = {item.objective.id for item in found}
    return Matrix(matrix.units, [row for row in matrix.rows if row.objective.id in kept])


def _is_concern(cell: IprCell) -> bool:
    return (cell.variation or "").startswith("concern")


def off_track(report: Ipr, focus: Focus = Focus()) -> list[OffTrack]:
    """Every exception (the Board's rule, given each cell by the assembly: see
    reporting/exceptions.py), by objective and OKR in the report's order."""
    found = []
    for objective in _objectives(report, focus):
        for okr in objective.okrs:
            for cell in okr.cells:
                if focus.keeps_cell(cell) and cell.value is not None and cell.exceptions:
                    found.append(OffTrack(objective, okr, cell, list(cell.exceptions)))
    return found


def changes(report: Ipr, focus: Focus = Focus()) -> Changes:
    """What moved since each cell's previous period, and what is missing."""
    found = Changes()
    for objective in _objectives(report, focus):
        name = objective.short_name or objective.title
        for okr in objective.okrs:
            for cell in okr.cells:
                if not focus.keeps_cell(cell):
                    continue

                def change(detail: str, name=name, okr=okr, cell=cell) -> IprChange:
                    return IprChange(name, okr.statement, cell.unit, detail)

                if cell.value is None:
                    found.missing.append(change(f"No value for {cell.period}"))
                    continue
                previous = cell.previous_rag
                if cell.rag == Rag.RED.value and previous != Rag.RED.value:
                    was = Rag(previous).label if previous else "no earlier value"
                    found.new_reds.append(change(f"{was} → Red"))
                if previous == Rag.RED.value and cell.rag not in (Rag.RED.value, Rag.NO_DATA.value):
                    found.recovered.append(change(f"Red → {cell.rag_label}"))
                if _is_concern(cell):
                    found.concerns.append(change(f"{cell.value_text}: special cause of concern"))
    # Which way a value moved (by the OKR's direction) is worked out once, by the
    # assembly: its summary lines, kept where they fall inside the focus (a line
    # names the objective, the OKR and the unit as the report shows them).
    inside = {
        (objective.short_name or objective.title, okr.statement, cell.unit)
        for objective in _objectives(report, focus)
        for okr in objective.okrs
        for cell in okr.cells
        if focus.keeps_cell(cell)
    }
    for kind in ("improved", "deteriorated"):
        getattr(found, kind).extend(
            item
            for item in getattr(report.summary, kind)
            if (item.objective, item.okr, item.unit) in inside
        )
    return found


# How many of its latest periods a unit's rating history shows, by frequency.
HISTORY_PERIODS = {"monthly": 12, "quarterly": 8, "annual": 5}


@dataclass(frozen=True)
class UnitOkr:
    objective: IprObjective
    okr: IprOkr
    cell: IprCell

    @property
    def trend(self) -> str:
        """The rating's move since the previous period, in words."""
        previous, now = self.cell.previous_rag, self.cell.rag
        if self.cell.value is None:
            return "No value"
        if previous is None:
            return "First value"
        if previous == now:
            return f"Still {self.cell.rag_label}"
        return f"{Rag(previous).label} → {self.cell.rag_label}"


@dataclass(frozen=True)
class HistoryRow:
    objective: IprObjective
    okr: IprOkr
    ratings: list[tuple[str, str] | None]  # (rag, label) per column; None: no value then


@dataclass(frozen=True)
class HistoryGrid:
    frequency: str
    periods: list[str]  # the columns: period labels, oldest first
    rows: list[HistoryRow]


@dataclass(frozen=True)
class UnitPage:
    unit: str
    unit_slug: str
    okrs: list[UnitOkr]
    counts: list[RatingCount]
    history: list[HistoryGrid]

    @property
    def missing(self) -> int:
        """How many of the unit's values the report still has none for."""
        return sum(item.cell.value is None for item in self.okrs)


def unit_page(report: Ipr, slug: str) -> UnitPage | None:
    """One unit's OKRs in the report, and each one's rating over its latest
    periods (from the cell's history: the report must carry it), one grid per
    frequency. None if the report has no cell for the unit."""
    okrs = [
        UnitOkr(objective, okr, cell)
        for objective in report.objectives
        for okr in objective.okrs
        for cell in okr.cells
        if cell.unit_slug == slug
    ]
    if not okrs:
        return None
    grids = []
    for frequency, shown in HISTORY_PERIODS.items():
        here = [item for item in okrs if item.okr.frequency == frequency]
        if not here:
            continue
        starts = sorted({point.period_start for item in here for point in item.cell.history})
        starts = starts[-shown:]
        labels = {point.period_start: point.period for item in here for point in item.cell.history}
        rows = []
        for item in here:
            by_start = {point.period_start: point for point in item.cell.history}
            ratings = []
            for start in starts:
                point = by_start.get(start)
                ratings.append(
                    (point.rag, Rag(point.rag).label)
                    if point is not None and point.value is not None
                    else None
                )
            rows.append(HistoryRow(item.objective, item.okr, ratings))
        grids.append(HistoryGrid(frequency, [labels[start] for start in starts], rows))
    first = okrs[0].cell
    return UnitPage(first.unit, slug, okrs, _counts([item.cell for item in okrs]), grids)


# --- What each reader is shown first (the same page, a different emphasis) -------


@dataclass(frozen=True)
class OwnedObjective:
    """An objective the reader owns: its row of the matrix and where its executive
    summary for the month stands."""

    row: MatrixRow
    summary_state: str  # "Not written", "Written, not signed off", "Signed off by …"
    summary_done: bool


def _summary_state(objective: IprObjective) -> tuple[str, bool]:
    summaries = [n for n in objective.narratives if n.kind == "Executive summary"]
    if not summaries:
        return "Not written", False
    summary = summaries[0]
    if summary.signed_by:
        return f"Signed off by {summary.signed_by}", True
    return "Written, not signed off", False


def owned_objectives(matrix: Matrix) -> list[OwnedObjective]:
    """The objectives of a matrix narrowed to the reader's own (those whose
    narratives they may write), each with the state of its executive summary."""
    return [OwnedObjective(row, *_summary_state(row.objective)) for row in matrix.rows]


@dataclass(frozen=True)
class Readiness:
    """How ready the month's report is for the Board."""

    values_missing: int
    summaries_not_signed: list[IprObjective]
    published_revision: int | None


def readiness(report: Ipr, published_revision: int | None) -> Readiness:
    missing = sum(
        cell.value is None
        for objective in report.objectives
        for okr in objective.okrs
        for cell in okr.cells
    )
    unsigned = [objective for objective in report.objectives if not _summary_state(objective)[1]]
    return Readiness(missing, unsigned, published_revision)


def okr_in_unit(report: Ipr, code: str, slug: str) -> UnitOkr | None:
    """An OKR's cell for one unit in the report, with its objective; None if the
    report does not hold it."""
    for objective in report.objectives:
        for okr in objective.okrs:
            if okr.code != code:
                continue
            for cell in okr.cells:
                if cell.unit_slug == slug:
                    return UnitOkr(objective, okr, cell)
    return None
