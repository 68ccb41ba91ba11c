"""A Trust administrator links an OKR to a key focus area in a real browser and sees
it on the focus area's page, with the accessibility check on each page, a refused
form included."""

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login, open_from_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SATISFACTION = "Our overall patient satisfaction scores will be above 90"
FEEDBACK = "Increase amount of feedback received from patients/ families"
CO_PRODUCTION = (
    "Co-production: Patient, family and staff involvement in improving care and services"
)


def main(page: Page):
    return page.locator("main")


def test_administrator_links_an_okr_and_sees_it_on_the_focus_area_page(page: Page, live_server):
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "Manage OKRs")
    row = page.locator('[data-testid="okr-quality-patient-satisfaction"]')
    expect(row).to_contain_text("Not linked")
    row.get_by_role("link", name=f"Link to a key focus area of {SATISFACTION}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Link to a key focus area")
    page.get_by_label("Key focus area").select_option(label=f"2. {CO_PRODUCTION}")
    page.get_by_role("button", name="Save the link").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Give a reason for this change")
    # The choice is kept.
    expect(page.locator("#id_focus_area option:checked")).to_have_text(f"2. {CO_PRODUCTION}")
    check_accessibility(page, "link-focus-area-with-errors")

    page.get_by_label("Reason for the change").fill("Satisfaction scores are the patients' voice")
    page.get_by_role("button", name="Save the link").click()
    expect(main(page)).to_contain_text(f"Linked to the key focus area ‘{CO_PRODUCTION}’")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SATISFACTION)

    main(page).get_by_role("link", name=CO_PRODUCTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CO_PRODUCTION)
    grid = page.locator("table.portal-okr-grid")
    satisfaction = grid.locator("tr").filter(has_text=SATISFACTION)
    expect(satisfaction).to_have_count(1)
    # Set by a person: no longer to confirm. The seeded link beside it still is.
    expect(satisfaction).not_to_contain_text("Link derived: to confirm")
    expect(grid.locator("tr").filter(has_text=FEEDBACK)).to_contain_text("Link derived: to confirm")
    check_accessibility(page, "focus-area-with-linked-okrs")
