"""The performance dashboard (the home page) in a real browser: an executive
narrows September 2020 to one directorate and follows an off-track OKR to its
page, at desktop and phone widths; the filters live in the address; a Viewer sees
nothing until a month is published; a lead's and a secretary's first view. Every
page state is checked with axe-core (WCAG 2.2 AA).

The month the page opens on depends on the day the tests run, so the checks on
content choose September 2020 (the seeded Q2 2020/21 figures) in the Month filter.
Bucks MH's Quality figures that quarter, rated by hand from the seeded targets
and tolerances (fixtures/strategies/2021-26-trust-strategy.yaml):

- harm -9 against -10 (decrease, tolerance 2): missed by 1, Amber;
- CCCS training 92% against 95% (increase, tolerance 2): missed by 3, Red;
- staff sickness 4% against 3.5% (decrease, tolerance 1): missed by 0.5, Amber;
- patient satisfaction 80 against 90 (increase, tolerance 5): missed by 10, Red;

so Quality overall is (2 + 1 + 2 + 1) / 4 = 1.5 points, Amber (Amber from 1.5),
as the Board's slide had it.

With SCREENSHOTS=1 in the environment the executive's dashboard is also saved at
desktop and phone widths as docs/screenshots/dashboard-desktop.png and
dashboard-phone.png (pictures for the docs)."""

import datetime
import os
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import PROJECT_DIR, VIEWPORT, check_accessibility, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
DOCS_SCREENSHOTS = PROJECT_DIR / "docs" / "screenshots"
UNITS = ["Community Services", "Oxon & BSW MH", "Bucks MH", "Specialised", "Trust"]
CCCS = "We will achieve 95% compliance in CCCS training"
SATISFACTION = "Our overall patient satisfaction scores will be above 90"
FIRST_HEADER = "Objective and executive owner"


def save_doc_screenshot(page: Page, name: str) -> None:
    """A picture of this page for the docs, only when asked for (SCREENSHOTS=1)."""
    if os.environ.get("SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)


def matrix(page: Page) -> Locator:
    return page.get_by_role("region", name="Objectives by unit", exact=True)


def matrix_headers(page: Page) -> list[str]:
    return [" ".join(text.split()) for text in matrix(page).locator("thead th").all_inner_texts()]


def matrix_cell(page: Page, objective: str, unit: str) -> Locator:
    """One unit's cell in an objective's row ("1. Quality")."""
    row = (
        matrix(page)
        .locator("tbody tr")
        .filter(has=page.get_by_role("rowheader").get_by_role("link", name=objective, exact=True))
    )
    return row.locator("td").nth(matrix_headers(page).index(unit) - 1)


def off_track_item(page: Page, okr: str) -> Locator:
    """The off-track card of an OKR (its heading links to it for the card's unit:
    "<statement>: <unit>")."""
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(okr)}"))
    return page.get_by_test_id("off-track").locator("li.nhsuk-card").filter(has=heading)


def show(page: Page, month: str | None = None, unit: str | None = None) -> None:
    if month is not None:
        page.get_by_label("Month", exact=True).select_option(label=month)
    if unit is not None:
        page.get_by_label("Unit", exact=True).select_option(label=unit)
    page.get_by_role("button", name="Show", exact=True).click()


def no_page_scroll(page: Page) -> None:
    """Nothing on the page is wider than the phone's screen."""
    width = page.viewport_size["width"]
    page.wait_for_function(f"document.documentElement.scrollWidth <= {width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def executive_reaches_a_red_okr(page: Page, live_server, name: str) -> None:
    """The executive's journey, at whatever width the page is: September 2020,
    then Bucks MH, then a Red OKR's page (three clicks after choosing the month)."""
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("How we are doing")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Dashboard", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    show(page, month="September 2020")  # click 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    expect(page.get_by_label("Month", exact=True)).to_have_value("2020-09")
    expect(page.get_by_test_id("draft")).to_contain_text("Not yet published")
    # The executive (the Medical Director) leads Quality, so may narrow to their own.
    expect(page.get_by_label("Objectives", exact=True)).to_be_visible()
    assert matrix_headers(page) == [FIRST_HEADER, *UNITS]
    cell = matrix_cell(page, "1. Quality", "Bucks MH")
    expect(cell.locator(".portal-rag")).to_have_text("Amber")
    expect(cell.locator(".portal-matrix__counts")).to_have_text("2 Red, 2 Amber")
    if page.viewport_size["width"] < VIEWPORT["width"]:
        # Five units do not fit a phone: the matrix scrolls inside its own region.
        no_page_scroll(page)
        region = matrix(page)
        assert region.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")
        assert region.evaluate("e => e.scrollWidth > e.clientWidth")
        region.evaluate("e => { e.scrollLeft = 200; }")
        assert region.evaluate("e => e.scrollLeft") > 0
        assert page.evaluate("window.scrollX") == 0
        # Scrolled sideways, the objectives' column and its heading stay in view,
        # one above the other.
        left = region.bounding_box()["x"]
        heading = region.get_by_role("columnheader", name=FIRST_HEADER).bounding_box()
        objective = region.get_by_role("rowheader").first.bounding_box()
        assert heading["x"] == pytest.approx(left, abs=1), (heading, left)
        assert objective["x"] == pytest.approx(left, abs=1), (objective, left)
        region.evaluate("e => { e.scrollLeft = 0; }")
    check_accessibility(page, f"{name}-september-2020")
    save_doc_screenshot(page, name)

    show(page, unit="Bucks MH")  # click 2
    expect(page.get_by_label("Unit", exact=True)).to_have_value("bucks-mh")
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    assert matrix_headers(page) == [FIRST_HEADER, "Bucks MH"]
    cell = matrix_cell(page, "1. Quality", "Bucks MH")
    expect(cell.locator(".portal-rag")).to_have_text("Amber")
    expect(cell.locator(".portal-matrix__counts")).to_have_text("2 Red, 2 Amber")
    # Everything off track is Bucks MH's; both of its Red Quality figures are there.
    off_track = page.get_by_test_id("off-track").locator("li.nhsuk-card")
    places = off_track.locator(".nhsuk-card__content > p:first-of-type").all_inner_texts()
    assert len(places) == off_track.count() > 0
    units = {place.split(" · ")[1] for place in places}
    assert units == {"Bucks MH"}, units
    cccs = off_track_item(page, CCCS)
    expect(cccs).to_have_count(1)
    expect(cccs).to_contain_text("Quality · Bucks MH · Q2 2020/21")
    expect(cccs.locator(".portal-rag")).to_have_text("Red")
    expect(cccs).to_contain_text("92.0% (target 95%)")
    expect(cccs).to_contain_text("No comment was entered with this value.")
    satisfaction = off_track_item(page, SATISFACTION)
    expect(satisfaction.locator(".portal-rag")).to_have_text("Red")
    expect(satisfaction).to_contain_text("80 (target 90)")
    if page.viewport_size["width"] < VIEWPORT["width"]:
        no_page_scroll(page)
    check_accessibility(page, f"{name}-bucks-mh")

    # The link names its unit for screen readers (a visually hidden ": Bucks MH").
    cccs.get_by_role("link", name=re.compile(rf"^{re.escape(CCCS)}\s*: Bucks MH$")).click()  # 3
    # The OKR for Bucks MH: its rating, the comment entered with the value, its
    # chart and every value with who entered it.
    expect(page).to_have_url(
        f"{live_server.url}/okrs/quality-cccs-training/units/bucks-mh/?month=2020-09"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(CCCS)
    expect(page.locator("main")).to_contain_text("Comment with the value")
    values = page.get_by_role("region", name="Bucks MH’s values")
    expect(values.locator("tbody tr").first).to_contain_text("Q2 2020/21")
    expect(values.locator("tbody tr").first).to_contain_text("92.0%")
    if page.viewport_size["width"] < VIEWPORT["width"]:
        no_page_scroll(page)
    check_accessibility(page, f"{name}-okr")


def test_executive_narrows_to_a_directorate_and_opens_a_red_okr(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    executive_reaches_a_red_okr(page, live_server, "dashboard-desktop")


def test_executive_on_a_phone(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    page.set_viewport_size(PHONE)
    no_page_scroll(page)
    executive_reaches_a_red_okr(page, live_server, "dashboard-phone")


def test_filters_live_in_the_address(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    show(page, month="September 2020")
    expect(page).to_have_url(re.compile(r"\?month=2020-09&"))
    expect(page.get_by_role("link", name="Clear the filters")).to_have_count(0)
    unfiltered = page.url

    show(page, unit="Bucks MH")
    expect(page).to_have_url(re.compile(r"[?&]month=2020-09(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]unit=bucks-mh(&|$)"))
    assert matrix_headers(page) == [FIRST_HEADER, "Bucks MH"]

    page.reload()
    expect(page.get_by_label("Month", exact=True)).to_have_value("2020-09")
    expect(page.get_by_label("Unit", exact=True)).to_have_value("bucks-mh")
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    assert matrix_headers(page) == [FIRST_HEADER, "Bucks MH"]
    check_accessibility(page, "dashboard-reloaded")

    page.go_back()
    expect(page).to_have_url(unfiltered)
    expect(page.get_by_label("Unit", exact=True)).to_have_value("")
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    assert matrix_headers(page) == [FIRST_HEADER, *UNITS]
    check_accessibility(page, "dashboard-back")

    # A unit's column heading narrows the page too, in the address.
    matrix(page).get_by_role("link", name="Specialised", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/?month=2020-09&unit=specialised")
    assert matrix_headers(page) == [FIRST_HEADER, "Specialised"]
    page.get_by_role("link", name="Clear the filters").click()
    expect(page).to_have_url(f"{live_server.url}/?month=2020-09")
    assert matrix_headers(page) == [FIRST_HEADER, *UNITS]


def test_viewer_sees_only_published_months(page: Page, live_server):
    from django.contrib.auth import get_user_model

    from reporting.actions import publish_ipr

    login(page, live_server, "viewer", "viewer-demo")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance dashboard")
    expect(page.locator("main")).to_contain_text("no month’s report has been published")
    expect(page.get_by_test_id("matrix")).to_have_count(0)
    check_accessibility(page, "dashboard-viewer-unpublished")

    secretary = get_user_model().objects.get(username="secretary")
    publish_ipr(
        by=secretary,
        data_month=datetime.date(2020, 9, 1),
        reason="Published with items open for this example",
    )

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("September 2020 data")
    edition = page.get_by_test_id("edition")
    expect(edition.locator(".nhsuk-tag")).to_have_text("Published")
    expect(edition).to_contain_text("revision 1")
    expect(page.get_by_test_id("draft")).to_have_count(0)
    # The only month a Viewer is offered is the published one.
    options = page.get_by_label("Month", exact=True).locator("option")
    expect(options).to_have_text(["September 2020"])
    expect(page.get_by_label("Objectives", exact=True)).to_have_count(0)
    expect(matrix_cell(page, "1. Quality", "Bucks MH").locator(".portal-rag")).to_have_text("Amber")
    expect(off_track_item(page, CCCS).filter(has_text="Bucks MH")).to_contain_text(
        "92.0% (target 95%)"
    )
    check_accessibility(page, "dashboard-viewer-published")


@pytest.mark.parametrize(
    ("username", "password"),
    [("lead", "lead-demo"), ("secretary", "secretary-demo")],
)
def test_first_view_for_other_roles(page: Page, live_server, username, password):
    login(page, live_server, username, password)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("How we are doing")
    expect(page.get_by_test_id("draft")).to_contain_text("Not yet published")
    expect(page.get_by_test_id("totals")).to_be_visible()
    expect(matrix(page)).to_be_visible()
    # Neither leads an objective, so there is no "Objectives I own" filter.
    expect(page.get_by_label("Objectives", exact=True)).to_have_count(0)
    check_accessibility(page, f"dashboard-{username}-first-view")
