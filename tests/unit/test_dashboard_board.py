"""The dashboard's reading of a report, against a small report built by hand.

The world (October 2026): two objectives, three units.

    (rating now, before)        Bucks MH      Oxon          Trust
    Quality (objective 1, owner Marie Crofts)
      Harm                      Red, Amber    Green, Red    Amber, Amber (SPC concern)
      Training                  Red, Red      no value      Green, Green
      overall                   Red           Green         Amber
    People (objective 2, no executive named)
      Sickness                  Green, none   Amber, Amber  Blue, Green
      overall                   Green         Amber         Green

Every expected figure below is counted from this table by hand.
"""

from dashboard import board
from reporting.ipr import (
    Ipr,
    IprCell,
    IprChange,
    IprExecutive,
    IprObjective,
    IprOkr,
    IprOverall,
    IprSummary,
)

UNITS = {"Bucks MH": "bucks-mh", "Oxon": "oxon", "Trust": "trust"}
LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "no_data": "No data"}


def cell(unit, rag, previous=None, *, value=1.0, variation=None, comment=""):
    """A cell as the assembly gives it, its exception reasons included (a single
    period each: Red, and a special cause of concern, are the reasons that can
    apply; reporting/exceptions.py's own tests work the rule)."""
    exceptions = []
    if value is not None and rag == "red":
        exceptions.append("Red")
    if value is not None and (variation or "").startswith("concern"):
        exceptions.append("special cause of concern")
    return IprCell(
        unit=unit,
        unit_slug=UNITS[unit],
        period="October 2026",
        value=value,
        value_text="No data" if value is None else f"{value:g}%",
        target=95.0,
        target_text="95%",
        rag=rag,
        rag_label=LABELS[rag],
        rag_explanation=f"rated {LABELS[rag]}",
        variation=variation,
        assurance=None,
        spc_mean=None,
        spc_lower_limit=None,
        spc_upper_limit=None,
        spc_notes=[],
        previous_value=None,
        previous_rag=previous,
        is_demo=False,
        comment=comment,
        exceptions=exceptions,
    )


def okr(statement, cells):
    return IprOkr(
        code=statement.lower(),
        statement=statement,
        focus_area=None,
        measure="percentage",
        direction="increase",
        frequency="monthly",
        status="active",
        owner=None,
        period="October 2026",
        tolerance="none",
        cells=cells,
        chart_unit=None,
        chart=[],
        chart_target=None,
    )


def objective(pk, number, name, okrs, overall, executives=()):
    return IprObjective(
        id=pk,
        number=number,
        short_name=name,
        title=f"{name} objective",
        executives=list(executives),
        committee=None,
        rating_rule="",
        units=list(UNITS),
        focus_areas=[],
        okrs=okrs,
        overall=[IprOverall(unit, rag, LABELS[rag], f"overall {rag}") for unit, rag in overall],
        narratives=[],
    )


def report() -> Ipr:
    quality = objective(
        11,
        1,
        "Quality",
        [
            okr(
                "Harm",
                [
                    cell("Bucks MH", "red", "amber", comment="Two serious incidents"),
                    cell("Oxon", "green", "red"),
                    cell("Trust", "amber", "amber", variation="concern_high"),
                ],
            ),
            okr(
                "Training",
                [
                    cell("Bucks MH", "red", "red"),
                    cell("Oxon", "no_data", "green", value=None),
                    cell("Trust", "green", "green"),
                ],
            ),
        ],
        [("Bucks MH", "red"), ("Oxon", "green"), ("Trust", "amber")],
        executives=[IprExecutive("Chief Nurse", ["Marie Crofts"])],
    )
    people = objective(
        22,
        2,
        "People",
        [
            okr(
                "Sickness",
                [
                    cell("Bucks MH", "green", None),
                    cell("Oxon", "amber", "amber"),
                    cell("Trust", "blue", "green"),
                ],
            )
        ],
        [("Bucks MH", "green"), ("Oxon", "amber"), ("Trust", "green")],
    )
    summary = IprSummary(
        improved=[IprChange("Quality", "Harm", "Oxon", "90% → 96%")],
        deteriorated=[
            IprChange("Quality", "Harm", "Bucks MH", "94% → 91%"),
            IprChange("People", "Sickness", "Trust", "3% → 4%"),
        ],
    )
    return Ipr(
        trust="T",
        strategy="S",
        data_month="October 2026",
        data_month_start="2026-10-01",
        assembled_at="2026-11-02T09:00:00",
        contains_demo_data=False,
        objectives=[quality, people],
        summary=summary,
    )


def counts(items) -> list[tuple[str, int]]:
    return [(item.label, item.count) for item in items]


def test_the_matrix_gives_each_objective_s_overall_rating_and_its_okrs_ratings_per_unit():
    matrix = board.matrix(report())

    assert matrix.units == [("Bucks MH", "bucks-mh"), ("Oxon", "oxon"), ("Trust", "trust")]
    quality, people = matrix.rows
    assert quality.owners == ["Marie Crofts"] and people.owners == ["No executive named"]
    assert [(c.rag_label, counts(c.counts)) for c in quality.cells] == [
        ("Red", [("Red", 2)]),
        ("Green", [("Green", 1), ("No data", 1)]),
        ("Amber", [("Amber", 1), ("Green", 1)]),
    ]
    assert counts(quality.counts) == [("Red", 2), ("Amber", 1), ("Green", 2), ("No data", 1)]
    assert [(c.rag_label, counts(c.counts)) for c in people.cells] == [
        ("Green", [("Green", 1)]),
        ("Amber", [("Amber", 1)]),
        ("Green", [("Blue", 1)]),
    ]
    assert counts(board.totals(matrix)) == [
        ("Red", 2),
        ("Amber", 2),
        ("Green", 3),
        ("Blue", 1),
        ("No data", 1),
    ]


def test_off_track_is_every_exception_the_assembly_gave_in_report_order():
    found = board.off_track(report())

    assert [(item.okr.statement, item.cell.unit, item.reasons) for item in found] == [
        ("Harm", "Bucks MH", ["Red"]),
        ("Harm", "Trust", ["special cause of concern"]),
        ("Training", "Bucks MH", ["Red"]),
    ]
    assert found[0].cell.comment == "Two serious incidents"


def test_what_changed_since_the_previous_period():
    changes = board.changes(report())

    def lines(items):
        return [(item.objective, item.okr, item.unit, item.detail) for item in items]

    # Harm/Bucks was Amber; Training/Bucks was Red already, so is not new.
    assert lines(changes.new_reds) == [("Quality", "Harm", "Bucks MH", "Amber → Red")]
    assert lines(changes.recovered) == [("Quality", "Harm", "Oxon", "Red → Green")]
    assert lines(changes.concerns) == [("Quality", "Harm", "Trust", "1%: special cause of concern")]
    assert lines(changes.missing) == [("Quality", "Training", "Oxon", "No value for October 2026")]
    # Which way values moved is the assembly's summary, passed through.
    assert len(changes.improved) == 1 and len(changes.deteriorated) == 2
    assert not changes.is_empty


def test_a_unit_filter_narrows_every_part_alike():
    focus = board.Focus(unit="bucks-mh")
    matrix = board.matrix(report(), focus)
    changes = board.changes(report(), focus)

    assert matrix.units == [("Bucks MH", "bucks-mh")]
    assert [[c.rag_label for c in row.cells] for row in matrix.rows] == [["Red"], ["Green"]]
    assert counts(board.totals(matrix)) == [
        ("Red", 2),
        ("Amber", 0),
        ("Green", 1),
        ("Blue", 0),
        ("No data", 0),
    ]
    assert [item.okr.statement for item in board.off_track(report(), focus)] == [
        "Harm",
        "Training",
    ]
    assert len(changes.new_reds) == 1 and not changes.recovered and not changes.missing
    assert [item.unit for item in changes.deteriorated] == ["Bucks MH"] and not changes.improved


def test_objective_and_owner_filters_keep_those_objectives():
    by_number = board.matrix(report(), board.Focus(objective=2))
    owned = board.matrix(report(), board.Focus(objectives_owned=frozenset({11})))
    none_owned = board.matrix(report(), board.Focus(objectives_owned=frozenset()))

    assert [row.objective.short_name for row in by_number.rows] == ["People"]
    assert [row.objective.short_name for row in owned.rows] == ["Quality"]
    assert none_owned.rows == []


def test_only_off_track_keeps_the_objectives_with_something_off_track():
    whole = report()
    narrowed = board.only_off_track(board.matrix(whole), board.off_track(whole))
    assert [row.objective.short_name for row in narrowed.rows] == ["Quality"]


def test_a_month_with_nothing_to_say_is_empty():
    quiet = report()
    quiet.objectives = quiet.objectives[1:]
    quiet.objectives[0].okrs[0].cells = [cell("Trust", "green", "green")]
    quiet.summary = IprSummary()
    assert board.changes(quiet).is_empty and board.off_track(quiet) == []


def point(start: str, label: str, rag: str, value=1.0):
    from reporting.ipr import IprHistoryPoint

    return IprHistoryPoint(
        period=label,
        period_start=start,
        value=value,
        value_text="",
        target=None,
        rag=rag,
        mean=None,
        lpl=None,
        upl=None,
        point_type=None,
        rules=[],
    )


def test_a_unit_s_page_lists_its_okrs_and_their_latest_ratings_by_frequency():
    whole = report()
    harm_bucks = whole.objectives[0].okrs[0].cells[0]
    # 14 months of Harm for Bucks: the grid shows the latest 12 (Sep 2025 to Aug 2026).
    harm_bucks.history = [
        point(f"{2025 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-01", f"M{month}", "green")
        for month in range(7, 21)
    ]
    harm_bucks.history[-1] = point("2026-08-01", "M20", "red")
    harm_bucks.history[-2] = point("2026-07-01", "M19", "amber", value=None)
    training = whole.objectives[0].okrs[1]
    training.frequency = "quarterly"
    training.cells[0].history = [point("2026-04-01", "Q1", "red"), point("2026-07-01", "Q2", "red")]

    page = board.unit_page(whole, "bucks-mh")

    assert [(item.okr.statement, item.trend) for item in page.okrs] == [
        ("Harm", "Amber → Red"),
        ("Training", "Still Red"),
        ("Sickness", "First value"),
    ]
    assert counts(page.counts) == [("Red", 2), ("Green", 1)]
    monthly, quarterly = page.history
    assert monthly.frequency == "monthly" and len(monthly.periods) == 12
    assert monthly.periods[0] == "M9" and monthly.periods[-1] == "M20"
    harm_row, sickness_row = monthly.rows
    assert harm_row.ratings[-1] == ("red", "Red") and harm_row.ratings[-2] is None
    assert harm_row.ratings[0] == ("green", "Green")
    # Sickness has no history: every column says no value.
    assert sickness_row.ratings == [None] * 12
    assert quarterly.periods == ["Q1", "Q2"]
    assert quarterly.rows[0].ratings == [("red", "Red"), ("red", "Red")]
    assert board.unit_page(whole, "nowhere") is None


def test_the_matrix_carries_each_overall_rating_s_trend_in_words_and_letters():
    from reporting.ipr import IprTrendPoint

    whole = report()
    whole.objectives[0].overall[0].trend = [
        IprTrendPoint("August 2026", "2026-08-01", "green"),
        IprTrendPoint("September 2026", "2026-09-01", "no_data"),
        IprTrendPoint("October 2026", "2026-10-01", "red"),
    ]
    bucks = board.matrix(whole).rows[0].cells[0]
    assert bucks.trend_marks == [
        ("green", "G", "August 2026: Green"),
        ("no_data", "–", "September 2026: No data"),
        ("red", "R", "October 2026: Red"),
    ]
    assert board.matrix(whole).rows[1].cells[0].trend == []


def test_what_each_reader_is_shown_first():
    from reporting.ipr import IprNarrative

    whole = report()
    quality, people = whole.objectives
    quality.narratives = [
        IprNarrative("Executive summary", "On track", "Marie Crofts", "Chief Nurse", None, None)
    ]
    people.narratives = [
        IprNarrative("Executive summary", "Fine", "A", "B", "Marie Crofts", "2026-11-03")
    ]

    def owned_by(ids):
        return board.owned_objectives(board.matrix(whole, board.Focus(objectives_owned=ids)))

    owned = owned_by(frozenset({11}))
    assert [(item.row.objective.short_name, item.summary_state) for item in owned] == [
        ("Quality", "Written, not signed off")
    ]
    assert [item.summary_state for item in owned_by(frozenset({22}))] == [
        "Signed off by Marie Crofts"
    ]
    # Bucks MH: Harm Red, Training Red, Sickness Green: nothing missing. Oxon: Training.
    assert board.unit_page(whole, "bucks-mh").missing == 0
    assert board.unit_page(whole, "oxon").missing == 1
    ready = board.readiness(whole, published_revision=None)
    assert ready.values_missing == 1
    assert [objective.short_name for objective in ready.summaries_not_signed] == ["Quality"]
    assert ready.published_revision is None
