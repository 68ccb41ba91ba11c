"""A Trust administrator finds the rules the product assumed, confirms the
exceptions rule as it is, sets the Trust's own CCCS tolerance and confirms the CCCS
definition, and an executive
reads the IPR with those rules no longer marked assumed, in a real browser with
the accessibility check on each page, at desktop and phone widths.

Bucks MH's CCCS training in Q2 2020/21 is 92% against a 95% goal: 3 points short,
Red beyond the seeded (assumed) 2 points; Amber within the Trust's 3 points."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login, open_from_menu
from tests.functional.test_dashboard import PHONE, no_page_scroll, save_doc_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CCCS = "We will achieve 95% compliance in CCCS training"
ASSUMED = "Assumed: to confirm"


def test_administrator_confirms_rules_and_the_ipr_stops_marking_them(page: Page, live_server):
    login(page, live_server, "admin", "admin-demo")
    page.goto(f"{live_server.url}/")
    open_from_menu(page, "Rating rules")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rating rules")
    callout = page.get_by_test_id("to-confirm")
    expect(callout).to_contain_text(re.compile(r"\d+ rules to confirm"))
    before = int(re.search(r"(\d+) rules", callout.inner_text()).group(1))
    expect(page.get_by_test_id("rule-exceptions")).to_contain_text(ASSUMED)
    expect(page.get_by_test_id("rule-okr-quality-cccs-training")).to_contain_text(ASSUMED)
    check_accessibility(page, "rating-rules")

    # The exceptions rule, confirmed as it is.
    page.get_by_role("link", name="Confirm or change the rule for the Board’s exceptions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Board’s exceptions")
    expect(page.get_by_test_id("rule-provenance")).to_have_text(ASSUMED)
    expect(page.get_by_label("Periods rated Amber running")).to_have_value("3")
    page.get_by_label("Reason for the change").fill("Agreed by the Board on 3 December")
    page.get_by_role("button", name="Save as the Trust’s rule").click()
    expect(page.locator("main")).to_contain_text(
        "The rule for the Board’s exceptions is now the Trust’s."
    )
    expect(page.get_by_test_id("rule-exceptions")).not_to_contain_text(ASSUMED)

    # The CCCS tolerance: a value out of bounds is refused beside its field, then
    # the Trust's own is saved.
    page.get_by_role("link", name=f"Confirm or change the tolerance of {CCCS}").click()
    expect(page.get_by_label("Tolerance", exact=True)).to_have_value("2")
    page.get_by_label("Tolerance", exact=True).fill("-1")
    page.get_by_label("Reason for the change").fill("Agreed by the Quality & Safety Committee")
    page.get_by_role("button", name="Save as the Trust’s rule").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a tolerance of 0 or more")
    expect(page.get_by_label("Reason for the change")).to_have_value(
        "Agreed by the Quality & Safety Committee"
    )
    check_accessibility(page, "tolerance-refused")
    page.get_by_label("Tolerance", exact=True).fill("3")
    page.get_by_role("button", name="Save as the Trust’s rule").click()
    expect(page.locator("main")).to_contain_text(f"The tolerance of “{CCCS}” is now the Trust’s.")
    row = page.get_by_test_id("rule-okr-quality-cccs-training")
    expect(row).to_contain_text("3 percentage points")
    expect(row).to_contain_text("Confirmed by the Trust")
    expect(page.get_by_test_id("to-confirm")).to_contain_text(f"{before - 2} rules to confirm")

    # The CCCS definition, confirmed as it is.
    page.get_by_role("link", name=f"Confirm the definition of {CCCS}").click()
    expect(page.get_by_test_id("rule-now")).to_contain_text(
        "Percentage; higher is better; reported quarterly; 1 decimal place"
    )
    check_accessibility(page, "confirm-definition")
    page.get_by_label("Reason for the change").fill("Checked against the training system")
    page.get_by_role("button", name="Confirm as the Trust’s").click()
    expect(page.locator("main")).to_contain_text(f"The definition of “{CCCS}” is now the Trust’s.")
    expect(page.get_by_test_id("definition-okr-quality-cccs-training")).to_contain_text(
        "Confirmed by the Trust"
    )
    expect(page.get_by_test_id("to-confirm")).to_contain_text(f"{before - 3} rules to confirm")
    save_doc_screenshot(page, "rating-rules-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    no_page_scroll(page)
    check_accessibility(page, "phone-rating-rules")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "executive", "executive-demo")
    page.goto(f"{live_server.url}/ipr/2020-09/")
    expect(page.get_by_test_id("assumed-rules")).to_contain_text(ASSUMED)
    # The Quality section's overall-rating rule is still assumed; the exceptions rule is not.
    expect(page.get_by_test_id("rating-rule").first).to_contain_text(ASSUMED)
    expect(page.get_by_test_id("exceptions-rule")).not_to_contain_text(ASSUMED)
    # Bucks MH's CCCS is Amber within the Trust's 3 points, so no longer an exception for Red.
    quality = page.locator("section[aria-labelledby='objective-1']")
    quality.get_by_text("How each rating was reached").click()
    reached = quality.locator("details").filter(has_text="How each rating was reached")
    expect(reached).to_contain_text(
        "Bucks MH: 92.0% against ≥95%, 3 points short, within the 3 points tolerance: Amber"
    )
    expect(reached).to_contain_text(f"{CCCS} (tolerance 3 percentage points)")
    check_accessibility(page, "ipr-with-confirmed-rules")
