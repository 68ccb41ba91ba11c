"""A Trust administrator records a process change on an OKR × unit in a real
browser: from the OKR's maintenance links to the list, a refused form, then the
recorded change; the accessibility check and screenshots at desktop and phone
widths on each page."""

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import VIEWPORT, check_accessibility, login, open_from_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
CCCS = "We will achieve 95% compliance in CCCS training"


def check_at_both_widths(page: Page, name: str) -> None:
    check_accessibility(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    # Laid out again at the phone's width, with nothing wider than the screen.
    page.wait_for_function(f"document.documentElement.scrollWidth <= {PHONE['width']}")
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size(VIEWPORT)


def test_administrator_records_a_process_change_through_the_form(page: Page, live_server):
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "Manage OKRs")
    page.get_by_role("link", name=f"Process changes of {CCCS}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Process changes")
    expect(page.locator("main")).to_contain_text("No process change has been recorded")
    check_at_both_widths(page, "process-changes-empty")

    page.get_by_role("button", name="Record a process change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a process change")
    page.get_by_label("What changed in the process").fill("New triage pathway opened")
    page.get_by_label("Fix the limits on the first values after the change").fill("1")
    page.get_by_role("button", name="Record the process change").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose the unit whose process changed")
    expect(summary).to_contain_text("Choose the period the changed process starts in")
    expect(summary).to_contain_text("Enter a number of values from 2 to 60, or leave it empty")
    # Nothing typed is lost.
    expect(page.get_by_label("What changed in the process")).to_have_value(
        "New triage pathway opened"
    )
    check_at_both_widths(page, "record-process-change-errors")

    summary.get_by_role("link", name="Choose the unit whose process changed").click()
    expect(page.get_by_label("Unit", exact=True)).to_be_focused()
    page.get_by_label("Unit", exact=True).select_option(label="Bucks MH")
    page.get_by_label("First period of the changed process").select_option(
        label="Q2 2021/22 (from 1 July 2021)"
    )
    page.get_by_label("Fix the limits on the first values after the change").fill("12")
    page.get_by_role("button", name="Record the process change").click()

    main = page.locator("main")
    expect(main).to_contain_text(
        "Process change recorded for Bucks MH from Q2 2021/22. The limits of that chart are "
        "recalculated from then."
    )
    row = page.get_by_role("row", name="Bucks MH")
    expect(row).to_contain_text("Q2 2021/22")
    expect(row).to_contain_text("New triage pathway opened")
    expect(row).to_contain_text("The first 12 values")
    check_at_both_widths(page, "process-changes-recorded")

    row.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw the process change for Bucks MH from Q2 2021/22"
    )
    check_at_both_widths(page, "withdraw-process-change")
