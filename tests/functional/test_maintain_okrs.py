"""A Trust administrator maintains OKRs and reads the audit log in a real browser,
with the accessibility check on each page, a refused form included."""

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login, open_from_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def main(page: Page):
    return page.locator("main")


def test_administrator_adds_an_okr_then_achieves_it_and_reads_the_audit_log(
    page: Page, live_server
):
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "Manage OKRs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage OKRs")
    check_accessibility(page, "manage-okrs")

    page.get_by_role("button", name="Add an OKR", exact=True).click()
    page.get_by_label("Key focus area").select_option(index=1)
    page.get_by_label("Code").fill("Not a code")
    page.get_by_label("OKR", exact=True).fill("We will answer every complaint within 25 days")
    page.get_by_role("button", name="Add the OKR").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("A code can only contain lower-case letters")
    # Nothing typed is lost.
    expect(page.get_by_label("OKR", exact=True)).to_have_value(
        "We will answer every complaint within 25 days"
    )
    check_accessibility(page, "add-okr-with-errors")

    summary.get_by_role("link", name="A code can only contain").click()
    expect(page.get_by_label("Code")).to_be_focused()
    page.get_by_label("Code").fill("quality-complaints")
    page.get_by_label("Unit of measure").select_option("percentage")
    page.get_by_label("Direction of good").select_option("increase")
    page.get_by_label("Reported").select_option("quarterly")
    page.get_by_label("Target", exact=True).fill("95")
    page.get_by_label("Target applies from").fill("2021-04-01")
    page.get_by_label("Reason for the change").fill("Agreed at the Board")
    page.get_by_role("button", name="Add the OKR").click()
    expect(main(page)).to_contain_text("OKR added: We will answer every complaint within 25 days")

    page.get_by_role("link", name="Mark achieved and replace").click()
    check_accessibility(page, "achieve-and-replace")
    page.get_by_label("Code").fill("quality-complaints-20")
    page.get_by_label("OKR", exact=True).fill("We will answer every complaint within 20 days")
    page.get_by_label("Target", exact=True).fill("95")
    page.get_by_label("Target applies from").fill("2022-04-01")
    page.get_by_label("Reason for the change").fill("Achieved two quarters running")
    page.get_by_role("button", name="Mark achieved and add the replacement").click()
    expect(page.locator("h1 .nhsuk-tag--blue")).to_have_text("Achieved")
    expect(main(page)).to_contain_text("replaced by We will answer every complaint within 20 days")

    open_from_menu(page, "Audit log")
    expect(main(page)).to_contain_text("Achieved two quarters running")
    check_accessibility(page, "audit-log")
