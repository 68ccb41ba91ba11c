"""API clients in a real browser, as a Trust administrator manages them, at a
desktop's width and at a phone's (390 px): API clients from the menu; a client's
form refused until it is complete (the summary's links move to the fields, a set
of checkboxes' or radios' to its first option); a read-and-write client for Bucks
MH created, its key shown once and copied from its field; the client listed as
never used, then, once the key has been used on the API, with when; opened, and
revoked with a reason (asked for first), after which its key is refused. Every
page state is checked with axe-core (WCAG 2.2 AA), and at the phone's width
nothing on a page is wider than the screen."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import VIEWPORT, check_accessibility, login, open_from_menu
from tests.functional.test_dashboard import PHONE, no_page_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WIDTHS = {"desktop": VIEWPORT, "phone": PHONE}
NAME = "Warehouse loader"
KEY_WARNING = "Copy this key now: it will not be shown again"
READ_AND_WRITE = (
    "Read and write: also enters its units’ results, in each period’s entry window, "
    "as their lead would"
)


@pytest.fixture(params=sorted(WIDTHS))
def width(request, page: Page) -> str:
    """The journey once at a desktop's width and once at a phone's."""
    page.set_viewport_size(WIDTHS[request.param])
    return request.param


def looks_right(page: Page, name: str, width: str) -> None:
    """The page as it is now: nothing wider than a phone's screen (at that width),
    and no serious accessibility problem. Its screenshot is saved as
    api-clients-<name>-<width>.png."""
    if width == "phone":
        no_page_scroll(page)
    check_accessibility(page, f"api-clients-{name}-{width}")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def error_summary(page: Page) -> Locator:
    return page.locator(".nhsuk-error-summary")


def details(page: Page, key: str) -> Locator:
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{key}$"))
    )
    return row.locator("dd")


def calls_units(live_server, key: str) -> int:
    """What the API answers the client's system calling with this key."""
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/units/", headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refusal:
        return refusal.code


def test_administrator_creates_a_client_and_revokes_it(page: Page, live_server, width):
    # a. API clients, from the menu: none yet.
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "API clients")
    expect(heading(page)).to_have_text("API clients")
    expect(page.locator("main p[role=status]")).to_have_text("No API clients yet.")
    looks_right(page, "list-empty", width)

    # b. The form, sent empty: each problem beside its field and in the summary, whose
    # links move to the fields (a set of checkboxes' or radios' to its first option).
    page.get_by_role("link", name="Create an API client").click()
    expect(heading(page)).to_have_text("Create an API client")
    looks_right(page, "form", width)
    page.get_by_role("button", name="Create the client").click()
    expect(page).to_have_title(re.compile(r"^Error: Create an API client"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    units = page.get_by_role("group", name="Units whose results it reads (or writes)")
    access = page.get_by_role("group", name="What it may do")
    links = {
        "Enter a name for the client": page.get_by_label("Name", exact=True),
        "Say what the client is for": page.get_by_label("What it is for"),
        "Choose the person responsible for the client": page.get_by_label(
            "Person responsible for it"
        ),
        "Choose the units the client is for, or all units": units.get_by_role("checkbox").first,
        "Choose what the client may do": access.get_by_role("radio").first,
        "Give a reason for this change": page.get_by_role("textbox", name="Reason"),
    }
    expect(summary.get_by_role("link")).to_have_text(list(links))
    for message in links:
        expect(page.locator(".nhsuk-error-message").filter(has_text=message)).to_have_count(1)
    looks_right(page, "form-errors", width)
    for message, field in links.items():
        summary.get_by_role("link", name=message).click()
        expect(field).to_be_focused()
    expect(units.get_by_role("checkbox").first).to_have_accessible_name("Community Services")

    # c. Filled in: a read-and-write client for Bucks MH, Lee Lead responsible.
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("What it is for").fill("Loads Bucks MH’s results from the warehouse.")
    responsible = page.get_by_label("Person responsible for it")
    lee = responsible.locator("option", has_text="Lee Lead (demo)")
    responsible.select_option(value=lee.get_attribute("value"))
    units.get_by_label("Bucks MH", exact=True).check()
    page.get_by_label(READ_AND_WRITE).check()
    page.get_by_role("textbox", name="Reason").fill("Ticket 789: nightly load")
    page.get_by_role("button", name="Create the client").click()

    # d. The key, once, in a field to copy it from.
    expect(heading(page)).to_have_text(NAME)
    expect(page.get_by_role("heading", name=KEY_WARNING)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Authorization: Bearer <key>")
    expect(page.get_by_role("link", name="API documentation")).to_have_attribute(
        "href", "/api/v1/docs/"
    )
    field = page.get_by_label("The client’s key")
    expect(field).to_have_attribute("readonly", "")
    key = field.input_value()
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", key), key
    looks_right(page, "key", width)

    # e. Listed: what it may do, for which unit, active, and never used yet.
    page.get_by_role("link", name="go back to the API clients").click()
    expect(heading(page)).to_have_text("API clients")
    row = page.get_by_test_id("api-clients").locator("tbody tr").filter(has_text=NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Read and write")
    expect(row).to_contain_text("Bucks MH")
    expect(row).to_contain_text("Lee Lead (demo)")
    expect(row.locator(".nhsuk-tag")).to_have_text("Active")
    expect(row).to_contain_text("Never")
    assert key.split(".")[1] not in page.content()
    looks_right(page, "list", width)

    # The key copied into the warehouse's settings works; the list then shows it used.
    assert calls_units(live_server, key) == 200
    page.reload()
    expect(row).not_to_contain_text("Never")
    expect(row).to_contain_text(re.compile(r"Last used \d{1,2} \w{3} \d{4}, \d\d:\d\d"))

    # f. Opened, and revoked: a reason is asked for first.
    row.get_by_role("link", name=NAME).click()
    expect(heading(page)).to_have_text(NAME)
    expect(details(page, "Access")).to_have_text("Read and write")
    expect(details(page, "Units")).to_have_text("Bucks MH")
    expect(page.get_by_test_id("api-client-changes")).to_contain_text(
        "created by Alex Admin (demo): “Ticket 789: nightly load”"
    )
    assert key.split(".")[1] not in page.content()
    looks_right(page, "detail", width)
    page.get_by_role("button", name="Revoke the client").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(["Give a reason for this change"])
    error_summary(page).get_by_role("link").click()
    expect(page.get_by_role("textbox", name="Reason")).to_be_focused()
    looks_right(page, "revoke-error", width)
    page.get_by_role("textbox", name="Reason").fill("Warehouse replaced")
    page.get_by_role("button", name="Revoke the client").click()
    expect(page.locator("main [role=status]")).to_contain_text(
        f"{NAME} revoked: its key is refused from now on."
    )
    expect(details(page, "Status")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke the client")).to_have_count(0)
    expect(page.get_by_test_id("api-client-changes")).to_contain_text(
        "revoked by Alex Admin (demo): “Warehouse replaced”"
    )
    looks_right(page, "revoked", width)
    assert calls_units(live_server, key) == 401
