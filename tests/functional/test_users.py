"""Users and roles in a real browser, as a Trust administrator manages them, at a
desktop's width and at a phone's (390 px): Users from the menu; the list narrowed
by name, role and status; an invitation refused until it is complete (each link
of the error summary moves to its field, a set of checkboxes' to its first
option), then sent; the invited person choosing their password from the e-mail;
their roles changed to an executive holding a post; a stale page refused; the
account deactivated and reactivated, each with a reason. Every page state is
checked with axe-core (WCAG 2.2 AA), and at the phone's width nothing on a page is
wider than the screen.

E-mails go through Django's locmem backend (the test environment's), into
`mailoutbox`: the live server runs in a thread of the test's own process."""

import re

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
EMAIL = "nia.newlead@nhs.net"
NIA = "Nia Newlead"
LEAD_ROLE = "Directorate lead: enters the results of the units ticked below"
EXECUTIVE_ROLE = (
    "Executive: reads everything, and writes and signs the narratives of the objectives "
    "their posts own"
)
CONFLICT = (
    "Someone else changed this account while you were looking at it. Check what it holds "
    "now, then make your change again"
)


@pytest.fixture(params=sorted(WIDTHS))
def width(request, page: Page) -> str:
    """Each journey once at a desktop's width and once at a phone's."""
    page.set_viewport_size(WIDTHS[request.param])
    return request.param


def looks_right(page: Page, name: str, width: str) -> None:
    """The page as it is now: nothing wider than a phone's screen (at that width),
    and no serious accessibility problem. Its screenshot is saved as
    users-<name>-<width>.png."""
    if width == "phone":
        no_page_scroll(page)
    check_accessibility(page, f"users-{name}-{width}")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def said(page: Page, text: str) -> Locator:
    """The message the previous action left at the top of the page."""
    return page.locator("main [role=status]").filter(has_text=text)


def error_summary(page: Page) -> Locator:
    return page.locator(".nhsuk-error-summary")


def listed(page: Page) -> Locator:
    return page.get_by_test_id("users").locator("tbody tr")


def details(page: Page, key: str) -> Locator:
    """A row's value in the account's summary at the top of its page."""
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{key}$"))
    )
    return row.locator("dd")


def reason_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Reason")


def filter_by(page: Page, *, search: str = "", role: str = "Any role", status: str = "Any"):
    page.get_by_label("Name or e-mail contains").fill(search)
    page.get_by_label("Role", exact=True).select_option(label=role)
    page.get_by_label("Status", exact=True).select_option(label=status)
    page.get_by_role("button", name="Filter").click()


def test_administrator_invites_changes_and_deactivates_someone(
    page: Page, live_server, mailoutbox, width
):
    # a. Users, from the menu: everyone who can use the portal.
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "Users")
    expect(heading(page)).to_have_text("Users and roles")
    expect(listed(page).filter(has_text="Alex Admin (demo)")).to_have_count(1)
    looks_right(page, "list", width)

    # b. Narrowed to directorate leads whose name has "lead" in it: the demo's lead
    # only. The filters live in the address, and can be cleared.
    filter_by(page, search="lead", role="Directorate lead")
    expect(page).to_have_url(re.compile(r"[?&]role=directorate_lead(&|$)"))
    expect(listed(page)).to_have_count(1)
    expect(listed(page)).to_contain_text("Lee Lead (demo)")
    expect(listed(page)).to_contain_text("Community Services, Oxon & BSW MH")
    expect(page.locator("main p[role=status]")).to_contain_text("1 account")
    looks_right(page, "list-filtered", width)
    filter_by(page, status="Deactivated")
    expect(page.get_by_test_id("users")).to_have_count(0)
    expect(page.locator("main p[role=status]")).to_have_text("No accounts match the filters.")
    page.get_by_role("link", name="Clear the filters").click()
    expect(page).to_have_url(f"{live_server.url}/manage/users/")
    expect(listed(page).filter(has_text="Lee Lead (demo)")).to_have_count(1)

    # c. Inviting someone. Sent empty, the form says what is missing, each message
    # beside its field and in the summary, whose links move to the fields.
    page.get_by_role("link", name="Invite someone").click()
    expect(heading(page)).to_have_text("Invite someone")
    looks_right(page, "invite", width)
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Error: Invite someone"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = {
        "Enter their first name": page.get_by_label("First name"),
        "Enter their last name": page.get_by_label("Last name"),
        "Enter their work e-mail address": page.get_by_label("Work e-mail address"),
        "Give a reason for this change": reason_box(page),
    }
    for message in links:
        expect(page.locator(".nhsuk-error-message").filter(has_text=message)).to_have_count(1)
    looks_right(page, "invite-errors", width)
    for message, field in links.items():
        summary.get_by_role("link", name=message).click()
        expect(field).to_be_focused()
    assert not mailoutbox

    # A directorate lead with no unit is refused: the summary's link leads to the
    # first of the units' checkboxes, and what was typed and ticked is kept.
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newlead")
    page.get_by_label("Work e-mail address").fill(EMAIL)
    page.get_by_label(LEAD_ROLE).check()
    reason_box(page).fill("Ticket 123: new lead for Bucks")
    page.get_by_role("button", name="Invite", exact=True).click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    units = page.get_by_role("group", name="Units they enter results for")
    units_message = "Choose the units a directorate lead enters results for"
    expect(summary.get_by_role("link")).to_have_text([units_message])
    expect(units.locator(".nhsuk-error-message")).to_have_text(f"Error: {units_message}")
    expect(page.get_by_label(LEAD_ROLE)).to_be_checked()
    expect(page.get_by_label("Work e-mail address")).to_have_value(EMAIL)
    expect(reason_box(page)).to_have_value("Ticket 123: new lead for Bucks")
    looks_right(page, "invite-no-unit", width)
    summary.get_by_role("link").click()
    expect(units.get_by_role("checkbox").first).to_be_focused()
    expect(units.get_by_role("checkbox").first).to_have_accessible_name("Community Services")
    assert not mailoutbox

    # Ticking Bucks MH, the invitation is sent and their page opens.
    units.get_by_label("Bucks MH").check()
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(heading(page)).to_have_text(NIA)
    expect(said(page, f"Invitation sent to {EMAIL}.")).to_be_visible()
    expect(details(page, "Status")).to_contain_text("Not yet logged in")
    expect(details(page, "Logs in as")).to_have_text(EMAIL)
    expect(details(page, "Roles")).to_have_text("Directorate lead")
    expect(details(page, "Last logged in")).to_have_text("Never")
    expect(page.get_by_label(LEAD_ROLE)).to_be_checked()
    expect(units.get_by_label("Bucks MH")).to_be_checked()
    expect(page.get_by_test_id("account-changes")).to_contain_text(
        "account made by Alex Admin (demo): “Ticket 123: new lead for Bucks”"
    )
    looks_right(page, "account-invited", width)
    (invitation,) = mailoutbox
    assert invitation.to == [EMAIL]
    assert "Alex Admin (demo) has given you access" in invitation.body

    # d. They are now on the list, as invited.
    page.get_by_role("link", name="Go back to the users").click()
    filter_by(page, status="Not yet logged in")
    row = listed(page).filter(has_text=NIA)
    expect(row).to_contain_text("Directorate lead")
    expect(row).to_contain_text("Bucks MH")
    expect(row.locator(".nhsuk-tag")).to_have_text("Not yet logged in")
    looks_right(page, "list-invited", width)

    # e. Made an executive holding the Director of Strategy's post instead: saved,
    # and their page says so.
    row.get_by_role("link", name=NIA).click()
    expect(heading(page)).to_have_text(NIA)
    page.get_by_label(LEAD_ROLE).uncheck()
    units.get_by_label("Bucks MH").uncheck()
    page.get_by_label(EXECUTIVE_ROLE).check()
    posts = page.get_by_role("group", name="Executive posts they hold")
    strategy_post = posts.get_by_label(
        re.compile(r"^Director of Strategy & Chief Information Officer \(held by")
    )
    strategy_post.check()
    reason_box(page).fill("Appointed Director of Strategy")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(said(page, "Nia Newlead’s access saved.")).to_be_visible()
    expect(details(page, "Roles")).to_have_text("Executive")
    expect(page.get_by_label(EXECUTIVE_ROLE)).to_be_checked()
    expect(page.get_by_label(LEAD_ROLE)).not_to_be_checked()
    expect(strategy_post).to_be_checked()
    expect(strategy_post).to_have_accessible_name(re.compile(r"held by .*Nia Newlead"))
    expect(reason_box(page)).to_have_value("")  # a new change asks for its own reason
    looks_right(page, "account-executive", width)

    # f. A stale page: the account is open in two tabs; a change saved in one makes
    # the other's save refused, saying why, with nothing changed.
    account_url = page.url
    other = page.context.new_page()
    other.set_viewport_size(WIDTHS[width])
    other.goto(account_url)
    other.get_by_label("Last name").fill("Newlead-Jones")
    other.get_by_role("textbox", name="Reason").fill("Married name")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(said(other, "Nia Newlead-Jones’s access saved.")).to_be_visible()
    other.close()

    page.get_by_label(EXECUTIVE_ROLE).uncheck()
    strategy_post.uncheck()
    page.get_by_label("Viewer: reads the strategy").check()
    reason_box(page).fill("Stepped down")
    page.get_by_role("button", name="Save", exact=True).click()
    # Refused, and shown the account as it is now, with what someone else saved.
    expect(said(page, CONFLICT)).to_be_visible()
    expect(heading(page)).to_have_text("Nia Newlead-Jones")
    expect(details(page, "Roles")).to_have_text("Executive")
    expect(page.get_by_label("Last name")).to_have_value("Newlead-Jones")
    expect(page.get_by_label(EXECUTIVE_ROLE)).to_be_checked()
    expect(strategy_post).to_be_checked()
    looks_right(page, "account-conflict", width)

    # g. Deactivated, with a reason (asked for first).
    page.get_by_role("link", name="Deactivate Nia Newlead-Jones").click()
    expect(heading(page)).to_have_text("Deactivate Nia Newlead-Jones")
    looks_right(page, "deactivate", width)
    page.get_by_role("button", name="Deactivate the account").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(["Give a reason for this change"])
    error_summary(page).get_by_role("link").click()
    expect(reason_box(page)).to_be_focused()
    looks_right(page, "deactivate-error", width)
    reason_box(page).fill("Left the Trust")
    page.get_by_role("button", name="Deactivate the account").click()
    expect(heading(page)).to_have_text("Nia Newlead-Jones")
    expect(said(page, "Nia Newlead-Jones deactivated.")).to_be_visible()
    expect(details(page, "Status")).to_contain_text("Deactivated")
    expect(details(page, "Roles")).to_have_text("Executive")  # kept for a reactivation
    expect(page.get_by_role("button", name="Send the invitation again")).to_have_count(0)
    expect(page.get_by_test_id("account-changes")).to_contain_text("“Left the Trust”")
    looks_right(page, "account-deactivated", width)

    # h. Reactivated: invited again, with what the account held.
    page.get_by_role("link", name="Reactivate Nia Newlead-Jones").click()
    expect(heading(page)).to_have_text("Reactivate Nia Newlead-Jones")
    looks_right(page, "reactivate", width)
    reason_box(page).fill("Came back on a new contract")
    page.get_by_role("button", name="Reactivate the account").click()
    expect(said(page, "Nia Newlead-Jones reactivated.")).to_be_visible()
    expect(details(page, "Status")).to_contain_text("Not yet logged in")
    expect(details(page, "Roles")).to_have_text("Executive")

    # i. The invitation sent again, as the page offers while they have not signed in.
    page.get_by_role("button", name="Send the invitation again").click()
    expect(said(page, f"Invitation sent to {EMAIL}.")).to_be_visible()
    assert len(mailoutbox) == 2
    looks_right(page, "account-reactivated", width)


def test_the_invited_person_chooses_their_password(
    page: Page, browser, live_server, mailoutbox, width
):
    """From the invitation's link, signed out: a password too short is refused;
    then the password is saved, and they sign in with it."""
    login(page, live_server, "admin", "admin-demo")
    page.goto(f"{live_server.url}/manage/users/invite/")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newlead")
    page.get_by_label("Work e-mail address").fill(EMAIL)
    page.get_by_label("Viewer: reads the strategy").check()
    reason_box(page).fill("Governor")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(said(page, f"Invitation sent to {EMAIL}.")).to_be_visible()
    (invitation,) = mailoutbox
    link = re.search(r"http://\S+/accounts/set-password/\S+/", invitation.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    context = browser.new_context(viewport=WIDTHS[width], locale="en-GB")
    try:
        theirs = context.new_page()
        theirs.goto(f"{live_server.url}{path}")
        expect(heading(theirs)).to_have_text("Choose your password")
        expect(theirs.locator("main")).to_contain_text(f"your e-mail address, {EMAIL}")
        looks_right(theirs, "set-password", width)

        theirs.get_by_label("Password", exact=True).fill("short")
        theirs.get_by_label("Type the password again").fill("short")
        theirs.get_by_role("button", name="Save my password").click()
        summary = error_summary(theirs)
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link").first).to_contain_text("too short")
        looks_right(theirs, "set-password-error", width)
        summary.get_by_role("link").first.click()
        expect(theirs.get_by_label("Password", exact=True)).to_be_focused()

        chosen = "a long and unusual passphrase"
        theirs.get_by_label("Password", exact=True).fill(chosen)
        theirs.get_by_label("Type the password again").fill(chosen)
        theirs.get_by_role("button", name="Save my password").click()
        expect(heading(theirs)).to_have_text("Your password is saved")
        looks_right(theirs, "password-set", width)
        theirs.get_by_role("link", name="Log in").click()
        expect(theirs).to_have_url(f"{live_server.url}/accounts/login/")
        login(theirs, live_server, EMAIL, chosen)

        # The link works once.
        theirs.context.clear_cookies()
        theirs.goto(f"{live_server.url}{path}")
        expect(heading(theirs)).to_have_text("This link no longer works")
        looks_right(theirs, "set-password-used", width)
    finally:
        context.close()
