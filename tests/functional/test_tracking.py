"""Tracking submissions in a real browser, with an accessibility check (axe-core,
WCAG 2.2 AA). The page opens on whichever period matters on the day the tests run,
so the checks on content use a seeded period chosen through the form."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_an_executive_sees_what_each_unit_has_submitted(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Tracking").click()
    expect(page).to_have_url(f"{live_server.url}/tracking/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Submissions for "))
    check_accessibility(page, "tracking")

    page.get_by_label("Reporting period").select_option(label="Q2 2020/21")
    page.get_by_role("button", name="Show period").click()
    expect(page).to_have_url(re.compile(r"/tracking/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Submissions for Q2 2020/21")
    expect(page.get_by_text("Closed on 30 Nov 2020")).to_be_visible()
    units = page.get_by_role("region", name="Submissions per unit").locator("tbody tr")
    expect(units.last.locator("th")).to_contain_text("Trust")
    expect(units.filter(has_text="Bucks MH").get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/submissions/bucks-mh/\d+/$")
    )
    grid = page.get_by_role("region", name="Submission status of each OKR by unit")
    cccs = grid.locator("tbody tr").filter(has_text="CCCS training")
    expect(cccs.locator("td").first).to_contain_text("Submitted")
    check_accessibility(page, "tracking-closed-period")


def test_a_viewer_has_no_tracking(page: Page, live_server):
    login(page, live_server, "viewer", "viewer-demo")
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Tracking")
    ).to_have_count(0)
    page.goto(f"{live_server.url}/tracking/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
