"""An objective's programmes summed up for a month, worked out by hand.

Five programmes for November 2026: two rated Amber by their leads' November
reports, one Red, one whose last report was October's (Green then: not counted as
Green, it has no report for November) and one never reported on. So: 5
programmes, 1 Red and 2 Amber, and 2 with no report for November 2026."""

from reporting.ipr import IprProgramme
from reporting.programmes import programme_summary


def programme(rag: str, *, current: bool) -> IprProgramme:
    return IprProgramme(
        title="P",
        focus_area="F",
        lead=None,
        unit=None,
        rag=rag,
        rag_label=rag.title(),
        rag_as_written="",
        progress="",
        updated_for="November 2026" if current else None,
        current=current,
    )


def test_the_worked_example():
    summary = programme_summary(
        [
            programme("amber", current=True),
            programme("red", current=True),
            programme("amber", current=True),
            programme("green", current=False),
            programme("no_data", current=False),
        ]
    )
    assert (summary.total, summary.not_reported) == (5, 2)
    assert summary.rated == {"red": 1, "amber": 2, "green": 0, "blue": 0}
    assert summary.in_words("November 2026") == (
        "5 programmes: 1 Red, 2 Amber; 2 have no report for November 2026."
    )


def test_one_programme_and_none():
    one = programme_summary([programme("blue", current=True)])
    assert one.in_words("November 2026") == "1 programme: 1 Blue."
    assert programme_summary([]).in_words("November 2026") == "No programmes are recorded."
    waiting = programme_summary([programme("no_data", current=False)])
    assert waiting.in_words("May 2026") == "1 programme; 1 has no report for May 2026."
