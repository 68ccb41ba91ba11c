"""The printed pack reads like the Board's own paper: read back from the PDF, the
Chief Executive's summary comes before the month in figures, each objective opens
with its executive's summary, each OKR with exceptions appears once with its
units' charts together on one page and each listed value's comment from its lead,
the cover has the Trust papers' statutory field, and no page is mostly empty
except the cover and the last page of a part (checked with the text's positions
on each page).

September 2020, published: on the Trust's paper, Bucks MH's CCCS training was
92.0% against 95%, Red, an exception."""

import datetime
import io
import re

import pypdf
import pytest
from django.core.management import call_command

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import Programme, Result
from reporting.actions import publish_ipr, request_pack_export, update_cover, write_narrative
from reporting.ipr import assemble_ipr
from reporting.presentation import exceptions_by_okr

pytestmark = pytest.mark.usefixtures("seeded", "worker_keeps_the_test_connection")
SEPTEMBER = datetime.date(2020, 9, 1)
CEO_WORDS = "A steady quarter: harm is down and training recovers by December."
LEAD_COMMENT = "Training records from two wards arrive late; 95% expected by December."
PROGRAMME_WORDS = "Quality improvement coaches in post on four of six wards."
STATUTORY = "Supports the Board's duty to monitor the quality of care (CQC well-led)."
# The printed page's margins (reporting/exports/pdf.py): the running header above
# the top one and the page number below the bottom one are not the page's content.
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 20, 18
POINTS_PER_MM = 72 / 25.4


def _multiply(m, n):
    """Two PDF text matrices multiplied (where a piece of text is put on the page)."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def height_used(page) -> float:
    """How much of the page's printable height its text reaches down to (0 to 1),
    from the position of each piece of text (charts carry their axes' labels)."""
    height = float(page.mediabox.height)
    top = height - TOP_MARGIN_MM * POINTS_PER_MM
    bottom = BOTTOM_MARGIN_MM * POINTS_PER_MM
    lowest = []

    def visit(text, cm, tm, font, size):
        y = _multiply(tm, cm)[5]
        if text.strip() and bottom < y < top:
            lowest.append(y)

    page.extract_text(visitor_text=visit)
    return (top - min(lowest)) / (top - bottom) if lowest else 0.0


@pytest.fixture
def pdf(users_by_role, make_user, django_capture_on_commit_callbacks):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    chief = make_user("ceo", Role.EXECUTIVE)
    strategy_actions.assign_role(
        by=None,
        role=ExecutiveRole.objects.get(slug="chief-executive"),
        person=strategy_actions.create_person(
            by=None, slug="chris", full_name="Chris Chief", user=chief, reason="test"
        ),
        reason="test",
    )
    period = okr_actions.ensure_period(periods.parse_period_label("September 2020"))
    write_narrative(
        by=chief, objective=None, period=period, content={"text": CEO_WORDS}, sign_off=True
    )
    Result.objects.filter(key_result__code="quality-cccs-training", unit__slug="bucks-mh").update(
        comment=LEAD_COMMENT
    )
    # The Oxford Healthcare Improvement programme's report for the month.
    ohi = Programme.objects.get(title="Oxford Healthcare Improvement (OHI)")
    okr_actions.update_programme(
        by=users_by_role[Role.TRUST_ADMINISTRATOR],
        programme=ohi,
        period=period,
        rag="amber",
        progress=PROGRAMME_WORDS,
        seen_version=None,
    )
    edition = publish_ipr(by=secretary, data_month=SEPTEMBER, reason="Board papers go out today")
    update_cover(by=secretary, edition=edition, fields={"statutory": STATUTORY})
    with django_capture_on_commit_callbacks(execute=True):
        export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    export.refresh_from_db()
    return pypdf.PdfReader(io.BytesIO(export.files.get(format="pdf").file.read()))


def test_the_pack_reads_like_the_boards_paper(pdf):
    pages = [page.extract_text() for page in pdf.pages]
    flat = ["".join(text.split()) for text in pages]  # line breaks fall anywhere
    text = "\n".join(pages)

    # The cover states the statutory responsibilities.
    assert "Statutory or Regulatory responsibilities" in pages[0]
    assert "".join(STATUTORY.split()) in flat[0]

    # The Chief Executive's words open the report, before the counts.
    ceo = next(number for number, page in enumerate(flat) if "".join(CEO_WORDS.split()) in page)
    heading = re.compile(r"^The month in figures$", flags=re.MULTILINE)
    figures = next(number for number, page in enumerate(pages) if heading.search(page))
    assert 2 <= ceo <= figures
    assert pages[ceo].index("Chris Chief, Chief Executive — signed off") < (
        pages[ceo].index("The month in figures\n") if ceo == figures else len(pages[ceo])
    )

    # Each objective opens with its executive summary, before its table.
    quality = text.index("Quality: Deliver the best possible care and health outcomes\n")
    assert quality < text.index("Executive summary", quality) < text.index("Quality: OKRs by unit")

    # The Quality section lists its programme with the month's report.
    programmes = text.index("Programmes\n", quality)
    assert programmes < text.index("Sustainability: Make the best use", quality)
    assert "1 programme: 1 Amber." in text[programmes:]
    assert "".join(PROGRAMME_WORDS.split()) in "".join(text[programmes:].split())

    # Exceptions: one entry per OKR, its units' charts together on one page, and
    # the lead's comment beside the listed value.
    report = assemble_ipr(SEPTEMBER)
    entries = exceptions_by_okr(report)
    assert entries
    exceptions_start = next(n for n, page in enumerate(pages) if page.startswith("Exceptions"))
    in_exceptions = "\n".join(pages[exceptions_start:])
    for entry in entries:
        heading = f"{entry.objective} · {entry.statement}"
        assert "".join(in_exceptions.split()).count("".join(heading.split())) == 1, heading
        charts = [f"SPC chart of {unit.unit}'s values" for unit in entry.units]
        assert any(all(chart in page for chart in charts) for page in pages[exceptions_start:]), (
            f"the charts of {entry.statement} are not on one page"
        )
    assert "".join(LEAD_COMMENT.split()) in "".join(in_exceptions.split())

    # No page is mostly empty, except the cover and the last page of each part.
    contents = next(page for page in pages if page.startswith("Contents"))
    starts = {int(number) for number in re.findall(r" (\d+)$", contents, flags=re.MULTILINE)}
    part_ends = {start - 1 for start in starts} | {len(pages)}
    for number, page in enumerate(pdf.pages, start=1):
        if number == 1 or number in part_ends:
            continue
        assert height_used(page) >= 0.25, f"page {number} is mostly empty"
