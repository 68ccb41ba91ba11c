"""The Integrated Performance Report in a real browser: an executive reads it and
signs off a section's executive summary; a board secretary publishes a month from
its month close, corrects a figure and publishes a visibly revised edition. Every
page state is checked with axe-core (WCAG 2.2 AA).

The latest month depends on the day the tests run, so the checks on content use
September 2020 (the seeded Q2 2020/21 figures), chosen in the month selector."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import check_accessibility, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

QUALITY = "Quality: Deliver the best possible care and health outcomes"
CCCS = "We will achieve 95% compliance in CCCS training"
RAG_WORDS = {"Green", "Amber", "Red", "Blue", "No data"}


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def open_ipr_month(page: Page, label: str) -> None:
    """Open the IPR from the menu, then choose a data month in its selector."""
    nav(page).get_by_role("link", name="IPR").click()
    expect(page).to_have_url(re.compile(r"/ipr/\d{4}-\d{2}/$"))
    page.get_by_label("Data month").select_option(label=label)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{label} data")


def section(page: Page, heading: str) -> Locator:
    return page.get_by_role("region", name=heading, exact=True)


def unit_cell(page: Page, objective: str, okr: str, unit: str) -> Locator:
    """One unit's cell in an objective's OKR-by-unit table."""
    table = page.get_by_role("region", name=f"{objective}: OKRs by unit").locator("table")
    headers = [" ".join(text.split()) for text in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(has_text=okr)
    return row.locator("td").nth(headers.index(unit))


def overall_rating(page: Page, unit: str) -> Locator:
    row = (
        section(page, QUALITY)
        .locator(".nhsuk-summary-list__row")
        .filter(has=page.locator("dt").get_by_text(unit, exact=True))
    )
    return row.locator(".portal-rag")


def test_executive_reads_the_ipr_and_signs_off_the_quality_summary(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")

    # The menu opens the latest month with data: a draft until it is published.
    nav(page).get_by_role("link", name="IPR").click()
    expect(page).to_have_url(re.compile(r"/ipr/\d{4}-\d{2}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Integrated Performance Report")
    draft = page.get_by_test_id("draft")
    expect(draft).to_contain_text("Draft")
    expect(draft).to_contain_text("Not yet published.")
    # Only board secretaries and administrators close the month and publish it.
    closing = re.compile("^(Close the month|Publish)")
    expect(page.get_by_role("button", name=closing)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Close the month"))).to_have_count(0)
    # The Chief Executive's summary opens the report, then the month in figures.
    expect(page.get_by_role("heading", level=2, name="Executive summary")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="The month in figures")).to_be_visible()
    expect(page.locator(".nhsuk-card-group .nhsuk-card")).to_have_count(4)
    matrix = page.get_by_role("region", name="Variation and assurance matrix")
    expect(matrix.locator("caption")).to_have_text(
        "Number of OKR values by SPC variation and assurance"
    )
    expect(matrix.locator("tbody tr").first).to_be_visible()
    quality = section(page, QUALITY)
    table = quality.get_by_role("region", name="Quality: OKRs by unit")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("thead th")).to_have_text(
        ["OKR", "Target", "Community Services", "Oxon & BSW MH", "Bucks MH", "Specialised", "Trust"]
    )
    expect(table.locator(".portal-rag").first).to_be_visible()
    words = set(table.locator(".portal-rag").all_inner_texts())
    assert words and words <= RAG_WORDS, words
    # Charts are drawn as they come near the screen.
    quality.locator(".portal-chart__plot").first.scroll_into_view_if_needed()
    expect(quality.locator(".portal-chart__plot svg.main-svg").first).to_be_visible()
    check_accessibility(page, "ipr-latest")

    # September 2020: the seeded quarter, rated unit by unit.
    page.get_by_label("Data month").select_option(label="September 2020")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/ipr/2020-09/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    expect(page.get_by_label("Data month")).to_have_value("2020-09")
    expect(page.get_by_test_id("draft")).to_contain_text("Draft")
    expected = {
        "Community Services": "Red",
        "Oxon & BSW MH": "Green",
        "Bucks MH": "Amber",
        "Specialised": "Green",
        "Trust": "Amber",
    }
    for unit, rag in expected.items():
        expect(overall_rating(page, unit)).to_have_text(rag)
    cccs_bucks = unit_cell(page, "Quality", CCCS, "Bucks MH")
    expect(cccs_bucks.locator(".portal-ipr-value")).to_have_text("92.0%")
    expect(cccs_bucks.locator(".portal-rag")).to_have_text("Red")
    # A chart's data opens as a table under it: the Trust's CCCS training, latest
    # quarter first (94% in Q2, the demo's 94.7% in Q1: the mean of the two is
    # (94 + 94.7) / 2 = 94.35; two points are too few for process limits).
    data = section(page, QUALITY).locator("details[data-chart]").filter(has_text=CCCS)
    data.locator("summary").click()
    rows = data.get_by_role("table").locator("tbody tr")
    expect(data.get_by_role("table").locator("thead th")).to_have_text(
        [
            "Period",
            "Value (%)",
            "SPC reading",
            "SPC rules met",
            "Mean",
            "Lower process limit",
            "Upper process limit",
            "Target",
        ]
    )
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th, td")).to_have_text(
        ["Q2 2020/21", "94", "common cause", "—", "94.35", "—", "—", "95"]
    )
    expect(rows.nth(1).locator("th, td")).to_have_text(
        ["Q1 2020/21", "94.7", "common cause", "—", "94.35", "—", "—", "95"]
    )
    # The Board papers' own summary for the month, signed off by the Chief Nurse.
    quality = section(page, QUALITY)
    expect(quality.locator(".portal-narrative .portal-signature")).to_have_text(
        "Marie Crofts, Chief Nurse — signed off by Marie Crofts on 12 November 2020"
    )
    check_accessibility(page, "ipr-september-2020")

    # The executive (the Medical Director) rewrites the Quality summary and signs it off.
    quality.get_by_role("link", name="Edit the executive summary for Quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Executive summary: Deliver the best possible care and health outcomes"
    )
    expect(page.locator(".nhsuk-caption-l")).to_have_text("Quality · September 2020 data")
    expect(page.locator("main")).to_contain_text(
        "Signed off by Marie Crofts on 12 November 2020. Changing the words withdraws the "
        "sign-off until it is signed again."
    )
    box = page.get_by_label("Executive summary")
    expect(box).to_have_value(re.compile(r"^Following the refinement of the People and OD"))
    box.fill("")
    page.get_by_role("button", name="Save and sign off").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(["Write the executive summary"])
    check_accessibility(page, "executive-summary-errors")

    text = (
        "CCCS training recovered in three directorates; Bucks MH remains below target "
        "and has a recovery plan agreed with the Quality & Safety Committee."
    )
    page.get_by_label("Executive summary").fill(text)
    # The NHS.UK character count says, as it is typed, how much room is left.
    expect(page.locator(".nhsuk-character-count__status")).to_have_text(
        f"You have {6000 - len(text):,} characters remaining"
    )
    check_accessibility(page, "executive-summary-form")
    page.set_viewport_size({"width": 390, "height": 844})
    check_accessibility(page, "executive-summary-form-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save and sign off").click()

    # Back where the summary is read in the report, with the confirmation at the top
    # linking down to it.
    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?draft=1#summary-1$"))
    expect(page.get_by_role("status")).to_contain_text("Saved and signed off.")
    page.get_by_role("status").get_by_role("link", name="Go to Quality").click()
    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?draft=1#summary-1$"))
    quality = section(page, QUALITY)
    narrative = quality.locator(".portal-narrative")
    expect(narrative).to_contain_text(text)
    expect(narrative.locator(".portal-signature")).to_contain_text(
        "signed off by Erin Executive (demo)"
    )
    expect(
        quality.get_by_role("link", name="Edit the executive summary for Quality")
    ).to_be_visible()
    check_accessibility(page, "ipr-summary-signed-off")


def test_secretary_publishes_a_month_then_a_revision_after_a_correction(page: Page, live_server):
    from okrs import periods
    from okrs.models import ReportingPeriod

    # Database work first, before the browser opens a page.
    quarter = ReportingPeriod.objects.get(
        frequency=periods.QUARTERLY, starts_on=datetime.date(2020, 7, 1)
    )
    correction_url = reverse(
        "okrs:enter_results", kwargs={"unit": "bucks-mh", "period": quarter.pk}
    )

    login(page, live_server, "secretary", "secretary-demo")
    open_ipr_month(page, "September 2020")
    expect(page.get_by_test_id("draft")).to_contain_text("Not yet published.")
    # Publishing is done on the month close, from its checklist.
    page.get_by_role("button", name="Close the month and publish").click()
    expect(page).to_have_url(f"{live_server.url}/ipr/2020-09/close/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the month")
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    # The seeded month has items open (executive summaries, commentaries, assumed
    # rules): it can still go to the Board, with a reason printed in it.
    expect(page.get_by_test_id("checklist-open")).to_be_visible()
    expect(page.get_by_test_id("open-items")).to_be_visible()
    page.get_by_label("Why publish with these items open").fill(
        "The November Board needs the quarter's figures now"
    )
    page.get_by_label("Note for the record (optional)").fill("For the November Board")
    page.get_by_label(
        "I have read the checklist and the report, and it can go to the Board"
    ).check()
    page.get_by_role("button", name="Publish this month").click()

    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?revision=1$"))
    expect(page.get_by_role("status")).to_contain_text("Published")
    edition = page.get_by_test_id("edition")
    expect(edition.locator(".nhsuk-tag")).to_have_text(["Published"])
    expect(edition).to_contain_text("Revision 1, published")
    expect(edition).to_contain_text("by Sam Secretary (demo)")
    expect(edition).to_contain_text("Note: For the November Board")
    expect(edition.get_by_test_id("published-with-open-items")).to_contain_text(
        "Why: The November Board needs the quarter's figures now"
    )
    expect(page.get_by_test_id("draft")).to_have_count(0)
    expect(unit_cell(page, "Quality", CCCS, "Bucks MH")).to_contain_text("92.0%")
    check_accessibility(page, "ipr-published")

    # Bucks MH's CCCS figure was wrong: the secretary corrects it, with a reason.
    page.goto(f"{live_server.url}{correction_url}")
    cccs = page.get_by_role("group", name=CCCS, exact=True)
    expect(cccs.get_by_label(re.compile(r"^Value"))).to_have_value("92")
    cccs.get_by_label(re.compile(r"^Value")).fill("93")
    page.get_by_label("Reason for the change").fill("Late training records received from Bucks")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bucks MH, Q2 2020/21: 1 value submitted.")

    # The published edition does not move.
    open_ipr_month(page, "September 2020")
    edition = page.get_by_test_id("edition")
    expect(edition).to_contain_text("Revision 1")
    expect(unit_cell(page, "Quality", CCCS, "Bucks MH")).to_contain_text("92.0%")

    # The current draft has the corrected figure, and becomes revision 2.
    page.get_by_role("link", name="current draft").click()
    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?draft=1$"))
    draft = page.get_by_test_id("draft")
    expect(draft).to_contain_text("The Board’s edition is revision 1.")
    cell = unit_cell(page, "Quality", CCCS, "Bucks MH")
    expect(cell.locator(".portal-ipr-value")).to_have_text("93.0%")
    expect(cell.locator(".portal-rag")).to_have_text("Amber")
    check_accessibility(page, "ipr-draft-after-correction")
    page.get_by_role("button", name="Close the month and publish").click()
    expect(page).to_have_url(f"{live_server.url}/ipr/2020-09/close/")
    # The close page says what changed since revision 1 before it is published.
    expect(page.get_by_test_id("changes").locator("li")).to_contain_text(
        [f"Quality · {CCCS} · Bucks MH: value 92.0% → 93.0%"]
    )
    page.get_by_label("Why publish with these items open").fill(
        "The corrected CCCS figure goes to the Board with the same items open"
    )
    page.get_by_label("Note for the record (optional)").fill("CCCS figure for Bucks MH corrected")
    page.get_by_label(
        "I have read the checklist and the report, and it can go to the Board"
    ).check()
    page.get_by_role("button", name="Publish revision 2").click()

    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?revision=2$"))
    edition = page.get_by_test_id("edition")
    expect(edition.locator(".nhsuk-tag")).to_have_text(["Published", "Revised"])
    expect(edition).to_contain_text("Revision 2, published")
    changes = edition.locator("details")
    expect(changes).to_have_attribute("open", "")
    expect(changes.locator("summary")).to_contain_text("What changed from revision 1")
    expect(changes.locator("li").filter(has_text="value 92.0% → 93.0%")).to_have_text(
        f"Quality · {CCCS} · Bucks MH: value 92.0% → 93.0%"
    )
    expect(changes.locator("li").filter(has_text="rating Red → Amber")).to_have_count(1)
    expect(unit_cell(page, "Quality", CCCS, "Bucks MH")).to_contain_text("93.0%")
    check_accessibility(page, "ipr-revision-2")

    # Revision 1 is still there, exactly as the Board saw it.
    page.get_by_role("link", name="revision 1", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ipr/2020-09/\?revision=1$"))
    edition = page.get_by_test_id("edition")
    expect(edition).to_contain_text("Revision 1, published")
    expect(edition.locator(".nhsuk-tag")).to_have_text(["Published"])
    expect(unit_cell(page, "Quality", CCCS, "Bucks MH")).to_contain_text("92.0%")
