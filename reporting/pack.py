"""The Board pack: one assembled report with what goes around it.

A `Pack` is the assembled `Ipr` (a published edition's frozen report, or a draft
assembled once), the Board cover sheet and the edition's details. The PDF, the
workbook and the CSV all render a `Pack`; none re-queries or re-computes. The
flat data rows (one per OKR × unit × period) are defined here once, for the CSV
and the workbook's data sheet alike.
"""

import datetime
from dataclasses import dataclass, field

from okrs.formatting import words
from okrs.ratings import Rag
from reporting.ipr import Ipr, assemble_ipr, ipr_from_dict
from reporting.models import BoardCover, IprEdition

REPORT_TITLE = "Integrated Performance Report"


@dataclass
class CoverSheet:
    """What the Trust's Board papers print on their cover (see BoardCover)."""

    meeting: str
    meeting_date: str | None
    reference: str
    agenda_item: str
    title: str
    purpose: str
    summary: str
    recommendation: str
    authors: list[str]
    lead_executive: str
    governance_route: str
    statutory: str = ""


@dataclass
class Pack:
    report: Ipr
    cover: CoverSheet
    revision: int | None  # None: a draft, not published
    published_at: str | None = None
    published_by: str | None = None
    changes: list[str] = field(default_factory=list)
    note: str = ""
    # The month-close checklist's items still open when it was published, and why
    # it was published all the same (IprEdition.open_items).
    open_items: list[str] = field(default_factory=list)
    open_items_reason: str = ""

    @property
    def is_draft(self) -> bool:
        return self.revision is None

    @property
    def edition_label(self) -> str:
        return "DRAFT — not published" if self.is_draft else f"Revision {self.revision}"

    @property
    def running_header(self) -> str:
        return f"{REPORT_TITLE} — {self.report.data_month} data — {self.edition_label}"

    def filename(self, extension: str) -> str:
        month = self.report.data_month_start[:7]
        which = "draft" if self.is_draft else f"revision-{self.revision}"
        return f"ipr-{month}-{which}.{extension}"


def default_cover(report: Ipr, *, like: BoardCover | None = None) -> dict:
    """A cover sheet's starting fields: the standing ones (meeting, authors, lead
    executive, governance route, statutory or regulatory responsibilities) carried
    over from the last cover, the month's own (title, summary, recommendation)
    written for this report. The first cover states no responsibilities: the
    secretary writes the Trust's own words, and until then the pack says "Not
    recorded"."""
    summary = report.summary
    standing = (
        {
            "meeting": like.meeting,
            "authors": like.authors,
            "lead_executive": like.lead_executive,
            "governance_route": like.governance_route,
            "statutory": like.statutory,
        }
        if like
        else {
            "meeting": f"{report.trust} Board of Directors",
            "authors": "",
            "lead_executive": "",
            "governance_route": (
                "Monitored monthly through the Executive Management Committee; "
                "presented to the Board of Directors."
            ),
            "statutory": "",
        }
    )
    return standing | {
        "title": f"{REPORT_TITLE} — {report.data_month} data",
        "purpose": BoardCover.Purpose.ASSURANCE,
        "summary": (
            f"This report gives the Board the Trust's position against the strategic "
            f"objectives of {report.strategy} for {report.data_month}: the key results, "
            f"their targets and ratings by directorate, statistical process control charts "
            f"and the narrative of each objective's executive director. "
            f"{len(summary.improved)} values improved on the previous period, "
            f"{len(summary.deteriorated)} deteriorated, {len(summary.exceptions)} are "
            f"reported as exceptions and {len(summary.missing)} are missing."
        ),
        "recommendation": (
            "The Board is asked to note the Trust's performance against its strategic "
            "objectives and the actions set out for the exceptions."
        ),
    }


def cover_sheet(cover: BoardCover | dict) -> CoverSheet:
    def get(name, default=""):
        return cover.get(name, default) if isinstance(cover, dict) else getattr(cover, name)

    meeting_date = get("meeting_date", None)
    return CoverSheet(
        meeting=get("meeting"),
        meeting_date=meeting_date.isoformat() if meeting_date else None,
        reference=get("reference"),
        agenda_item=get("agenda_item"),
        title=get("title"),
        purpose=get("purpose"),
        summary=get("summary"),
        recommendation=get("recommendation"),
        authors=[line.strip() for line in get("authors").splitlines() if line.strip()],
        lead_executive=get("lead_executive"),
        governance_route=get("governance_route"),
        statutory=get("statutory"),
    )


def latest_cover() -> BoardCover | None:
    return BoardCover.objects.order_by("-edition__data_month", "-edition__revision").first()


def pack_for_edition(edition: IprEdition) -> Pack:
    report = ipr_from_dict(edition.report)
    cover = getattr(edition, "cover", None)
    return Pack(
        report=report,
        cover=cover_sheet(cover if cover else default_cover(report, like=latest_cover())),
        revision=edition.revision,
        published_at=edition.published_at.isoformat(timespec="minutes"),
        published_by=edition.published_by.get_full_name() or edition.published_by.username,
        changes=list(edition.changes),
        note=edition.note,
        open_items=list(edition.open_items),
        open_items_reason=edition.open_items_reason,
    )


def draft_pack(data_month: datetime.date) -> Pack:
    """Today's draft for a month, assembled once, with a cover like the last one."""
    report = assemble_ipr(data_month)
    return Pack(
        report=report, cover=cover_sheet(default_cover(report, like=latest_cover())), revision=None
    )


# --- Flat data: one row per OKR × unit × period ------------------------------------

# (column, what it holds): the CSV's header and the workbook's data sheet, in order.
# docs/exports.md documents the same columns for people who build on the files.
FLAT_COLUMNS = [
    ("data_month", "The report's data month, YYYY-MM."),
    ("edition", "'Revision n' of the published edition, or 'Draft'."),
    ("objective_number", "The strategic objective's number."),
    ("objective", "The strategic objective's short name."),
    ("focus_area", "The key focus area the OKR belongs to (empty if none)."),
    ("okr_code", "The OKR's stable code."),
    ("okr", "The OKR as the Trust wrote it."),
    ("measure", "What kind of number the value is (percentage, count, rate…)."),
    ("direction", "Which way is better: increase or decrease (empty if not set)."),
    ("frequency", "How often it is reported: monthly or quarterly."),
    ("unit", "The directorate (or the Trust as a whole)."),
    ("period", "The reporting period of the value, e.g. 'September 2020' or 'Q2 2020/21'."),
    ("period_start", "The first day of that period, YYYY-MM-DD."),
    ("is_report_period", "1 for the period the report rates, 0 for earlier history."),
    ("value", "The submitted value, as a number (empty when missing)."),
    (
        "numerator",
        "For an OKR worked out from numerators and denominators: the numerator the value "
        "was worked out from (for the Trust, the sum of its directorates'); empty otherwise.",
    ),
    ("denominator", "Likewise, the denominator."),
    ("target", "The target in force in that period, as a number (empty when none)."),
    (
        "target_set_for",
        "Whom that target was set for: 'trust' (the Trust's goal, which every unit "
        "without its own follows) or 'unit' (the unit's own goal or trajectory); empty "
        "when there is none.",
    ),
    (
        "target_kind",
        "What kind of target it is: 'goal', 'trajectory' or 'revised_trajectory'; "
        "empty when there is none.",
    ),
    ("rag", "The rating: Green, Amber, Red, Blue (achieved) or No data."),
    (
        "tolerance_assumed",
        "1 if the OKR's tolerance, which tells Amber from Red, is the portal's choice, "
        "not yet confirmed as the Trust's (assumed: to confirm); 0 if it is the Trust's.",
    ),
    ("spc_mean", "The SPC process mean at that point (empty without enough values)."),
    ("spc_lower_limit", "The lower process limit at that point."),
    ("spc_upper_limit", "The upper process limit at that point."),
    ("spc_point", "The point's SPC signal: common cause, improvement, concern or neutral."),
    ("spc_rules", "The SPC rules the point triggered, separated by '; '."),
    ("variation", "For the report period: the SPC variation icon."),
    ("assurance", "For the report period: the SPC assurance icon."),
    (
        "exception",
        "For the report period: why the value is one of the Board's exceptions "
        "(reasons separated by '; '; empty if it is not one).",
    ),
    (
        "value_method",
        "The Trust's rows only: how its values are obtained: 'entered', 'sum', 'mean' or "
        "'median' (of the directorates' values), or 'ratio' (the sum of their numerators "
        "over the sum of their denominators); empty for a directorate.",
    ),
    ("is_demo", "1 if the value was invented by the demo set-up."),
]


def flat_rows(pack: Pack) -> list[dict]:
    """The report's values as one row per OKR × unit × period (its history up to
    the report's period), numbers as numbers, for pivot tables."""
    report = pack.report
    edition = "Draft" if pack.is_draft else f"Revision {pack.revision}"
    rows = []
    for objective in report.objectives:
        for okr in objective.okrs:
            for cell in okr.cells:
                base = {
                    "data_month": report.data_month_start[:7],
                    "edition": edition,
                    "objective_number": objective.number,
                    "objective": objective.short_name or objective.title,
                    "focus_area": okr.focus_area or "",
                    "okr_code": okr.code,
                    "okr": okr.statement,
                    "measure": words(okr.measure),
                    "direction": okr.direction,
                    "frequency": okr.frequency,
                    "unit": cell.unit,
                }
                history = list(cell.history)
                if not history or history[-1].period != cell.period:
                    # The report's own period has no value: still one row, to say so.
                    history.append(None)
                for point in history:
                    current = point is None or point.period == cell.period
                    rows.append(
                        base
                        | {
                            "period": point.period if point else cell.period,
                            "period_start": point.period_start if point else okr.period_start,
                            "is_report_period": int(current),
                            "value": point.value if point else None,
                            "numerator": point.numerator if point else None,
                            "denominator": point.denominator if point else None,
                            "target": point.target if point else cell.target,
                            "target_set_for": (
                                point.target_set_for if point else cell.target_set_for
                            )
                            or "",
                            "target_kind": (point.target_kind if point else cell.target_kind) or "",
                            "rag": Rag(point.rag if point else cell.rag).label,
                            "tolerance_assumed": int(okr.tolerance_assumed),
                            "spc_mean": point.mean if point else None,
                            "spc_lower_limit": point.lpl if point else None,
                            "spc_upper_limit": point.upl if point else None,
                            "spc_point": words(point.point_type) if point else "",
                            "spc_rules": "; ".join(point.rules) if point else "",
                            "variation": words(cell.variation) if current else "",
                            "assurance": words(cell.assurance) if current else "",
                            "exception": "; ".join(cell.exceptions) if current else "",
                            "value_method": cell.value_method or "",
                            "is_demo": int(point.is_demo) if point else 0,
                        }
                    )
    return rows
