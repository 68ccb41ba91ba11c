"""A Trust administrator sets a directorate's trajectory and revises it, and an
executive reads both in the chart and the rating, in a real browser with the
accessibility check on each page, at desktop and phone widths.

Bucks MH's CCCS training (quarterly, higher is better, 95% goal, 2 points'
tolerance) has 85% in Q1 2020/21 (demo) and 92% in Q2 (seeded). Worked by hand:
the planned trajectory 88, 93, 95 from Q1 rates Q1 Red (3 short of 88, beyond 2)
and Q2 Amber (1 short of 93). The revision from Q2, 91 then 95, rates Q2 Green
(92 against at least 91) and leaves Q1 Red against the planned 88."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login
from tests.functional.test_dashboard import PHONE, no_page_scroll, save_doc_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CCCS = "We will achieve 95% compliance in CCCS training"


def save_trajectory(page: Page, first: str, values: str, reason: str, agreed_on: str = ""):
    page.get_by_label("Unit", exact=True).select_option(label="Buckinghamshire Mental Health")
    starts = {"Q1 2020/21": "2020-04-01", "Q2 2020/21": "2020-07-01"}
    page.get_by_label("First period").select_option(value=starts[first])
    page.get_by_label("Targets, one per period").fill(values)
    page.get_by_label("Agreed by").fill("Quality Committee")
    if agreed_on:
        page.get_by_label("Agreed on").fill(agreed_on)
    page.get_by_label("Reason for the change").fill(reason)
    page.get_by_role("button", name="Save the trajectory").click()


def test_administrator_sets_and_revises_a_trajectory_and_the_executive_sees_both(
    page: Page, live_server
):
    login(page, live_server, "admin", "admin-demo")
    page.goto(f"{live_server.url}/okrs/quality-cccs-training/")
    page.get_by_role("link", name=re.compile("^Trajectories")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trajectories")
    expect(page.locator("main")).to_contain_text("No unit has a trajectory for this OKR.")
    check_accessibility(page, "trajectories-empty")

    save_trajectory(page, "Q1 2020/21", "88\n93\n95", "Recovery plan agreed in April")
    expect(page.locator("main")).to_contain_text("Planned trajectory recorded for Bucks MH.")

    # A revision without the date it was agreed is refused beside the field.
    save_trajectory(page, "Q2 2020/21", "91\n95", "Staffing gaps")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter the date the revised trajectory was agreed")
    expect(page.get_by_label("Targets, one per period")).to_have_value("91\n95")
    check_accessibility(page, "trajectory-refused")

    save_trajectory(page, "Q2 2020/21", "91\n95", "Staffing gaps", agreed_on="2020-09-20")
    expect(page.locator("main")).to_contain_text(
        "Revised trajectory (revision 2) recorded for Bucks MH."
    )
    table = page.get_by_test_id("trajectory-bucks-mh")
    expect(table.locator("thead th")).to_have_text(["Period", "Planned", "Revision 2"])
    expect(table.locator("tbody tr").nth(1)).to_have_text(re.compile(r"Q2 2020/21\s*93%\s*91%"))
    check_accessibility(page, "trajectories")
    save_doc_screenshot(page, "trajectories-desktop")

    page.context.clear_cookies()
    login(page, live_server, "executive", "executive-demo")
    page.goto(f"{live_server.url}/okrs/quality-cccs-training/units/bucks-mh/?month=2020-09")
    main = page.locator("main")
    expect(main).to_contain_text(
        "92.0% against the revised trajectory ≥91% for Q2 2020/21 (goal 95% by Q3 2020/21), "
        "target met: Green"
    )
    values = page.get_by_test_id("values")
    expect(values.locator("tbody tr").nth(0)).to_contain_text("91% (revised trajectory; goal 95%)")
    expect(values.locator("tbody tr").nth(0)).to_contain_text("Green")
    expect(values.locator("tbody tr").nth(1)).to_contain_text("88% (trajectory; goal 95%)")
    expect(values.locator("tbody tr").nth(1)).to_contain_text("Red")
    plot = page.locator(".portal-chart__plot").first
    plot.scroll_into_view_if_needed()
    legend = plot.locator(".legendtext")
    for name in ("Goal", "Planned trajectory", "Revised trajectory"):
        expect(legend.filter(has_text=re.compile(f"^{name}$"))).to_have_count(1)
    check_accessibility(page, "okr-unit-with-trajectory")
    save_doc_screenshot(page, "okr-unit-trajectory-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("main")).to_contain_text("against the revised trajectory")
    no_page_scroll(page)
    check_accessibility(page, "phone-okr-unit-with-trajectory")
