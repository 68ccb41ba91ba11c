"""Browsing the strategy in a real browser, as each role would, with an
accessibility check (axe-core, WCAG 2.2 AA) on every main page.

Objects are reached by following links, never by primary key: the database is
flushed between tests and keys are not reused."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login, open_from_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    # WhiteNoise looks for collectstatic's output, which tests do not need.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CURRENT_STRATEGY = "Trust Strategy 2021–2026"


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def main(page: Page):
    return page.locator("main")


def expect_demo_banner(page: Page) -> None:
    banner = page.get_by_test_id("demo-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Demo data")


def test_anonymous_visitor_is_sent_to_login_and_a_wrong_password_is_explained(
    page: Page, live_server
):
    page.goto(f"{live_server.url}/strategies/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/strategies/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the Strategy Portal")
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    check_accessibility(page, "login")

    page.fill("#id_username", "executive")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Log in").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_contain_text("enter a correct username and password")
    expect(page.locator("#id_username")).to_have_value("executive")
    expect(page.locator("#id_password")).to_have_value("")
    check_accessibility(page, "login-error")

    # The error links to the field to correct.
    summary.get_by_role("link").click()
    expect(page.locator("#id_username")).to_be_focused()

    # Logging in properly returns the visitor to the page first asked for.
    page.fill("#id_password", "executive-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/strategies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategy history")


def test_executive_follows_the_strategy_down_to_an_okr_chart(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")

    # Signing in lands on the dashboard; the strategy is one click away.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("How we are doing")
    nav(page).get_by_role("link", name="Strategy", exact=True).click()

    # The strategy at a glance.
    expect(page).to_have_url(f"{live_server.url}/strategy/")
    expect(page).to_have_title(re.compile(rf"^{CURRENT_STRATEGY} – Strategy Portal"))
    expect(page.get_by_role("banner")).to_contain_text("Erin Executive (demo) (Executive)")
    expect_demo_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(CURRENT_STRATEGY)
    expect(main(page)).to_contain_text("‘Outstanding care by an outstanding team’")
    for value in ("Caring", "Safe", "Excellent"):
        card = page.locator(".nhsuk-card").filter(
            has=page.get_by_role("heading", level=3, name=value, exact=True)
        )
        expect(card).to_have_count(1)
        expect(card.locator("li").first).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Strategic objectives")).to_be_visible()
    objective_links = page.locator("a.nhsuk-card__link")
    expect(objective_links).to_have_count(4)
    for name in ("Quality", "People", "Sustainability", "Research & Education"):
        expect(
            objective_links.filter(has_text=re.compile(rf"^{re.escape(name)} – "))
        ).to_have_count(1)
    expect(nav(page).get_by_role("link", name="Strategy", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(nav(page).get_by_role("link", name="Administration")).to_have_count(0)
    check_accessibility(page, "strategy")

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#maincontent")).to_be_focused()

    # The Quality objective, with its governance and OKR grid.
    objective_links.filter(has_text="Quality – ").click()
    expect(page).to_have_url(re.compile(r"/objectives/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quality: Deliver the best possible care and health outcomes"
    )
    governance = page.locator(".portal-governance")
    expect(governance).to_contain_text("Executive director: Chief Nurse: Marie Crofts")
    # The Medical Director role leads Quality too; its holder is not in the papers,
    # so the demo fills it with its (marked) demo executive.
    expect(governance).to_contain_text("Medical Director: Erin Executive (demo)")
    expect(governance).to_contain_text("Responsible committee: Quality & Safety Committee")
    expect(page.get_by_role("heading", level=2, name="Key focus areas (11)")).to_be_visible()
    expect(page.locator(".portal-focus-areas > li")).to_have_count(11)
    grid = page.get_by_role("region", name="Latest value of each OKR for each unit")
    expect(grid.locator("tbody tr").first).to_be_visible()
    expect(
        grid.get_by_role("link", name="We will achieve 95% compliance in CCCS training")
    ).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(CURRENT_STRATEGY)
    expect_demo_banner(page)
    check_accessibility(page, "objective")

    # A focus area, and back to the objective through the breadcrumbs.
    focus_area = page.locator(".portal-focus-areas").get_by_role(
        "link", name="Minimise avoidable harm to patients and reduce restrictive practice"
    )
    focus_area.click()
    expect(page).to_have_url(re.compile(r"/focus-areas/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Minimise avoidable harm to patients and reduce restrictive practice"
    )
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Key focus area")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Verbatim")
    expect(main(page)).not_to_contain_text("Derived, to confirm")
    check_accessibility(page, "focus-area")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=re.compile("Quality")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality:")

    # An OKR: its definition, the chart drawn by plotly and every value in a table.
    page.get_by_role("region", name="Latest value of each OKR for each unit").get_by_role(
        "link", name="We will achieve 95% compliance in CCCS training"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/okrs/quality-cccs-training/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "We will achieve 95% compliance in CCCS training"
    )
    definition = page.locator(".nhsuk-summary-list")
    for key in ("Status", "Key focus area", "Executive owner", "Unit of measure", "Target"):
        expect(definition.locator("dt", has_text=key)).to_have_count(1)
    chart = page.locator("#okr-chart")
    chart.scroll_into_view_if_needed()  # charts are drawn as they come near the screen
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace").first).to_be_attached()
    expect(page.locator("figure.portal-chart figcaption")).to_contain_text(
        "Line chart of results per unit. Latest values:"
    )
    results = page.locator("table.nhsuk-table").last
    expect(results.locator("thead th")).to_have_text(
        [
            re.compile("Period"),
            re.compile("Unit"),
            re.compile("Value"),
            "Target in force",
            "Comment",
            re.compile("Entered by"),
        ]
    )
    expect(results.locator("tbody tr")).to_have_count(25)
    pagination = page.get_by_role("navigation", name="Pages of the table")
    expect(pagination).to_contain_text(re.compile(r"Next\s*:?\s*Page 2 of \d+"))
    expect_demo_banner(page)
    check_accessibility(page, "okr")

    # The table pages and sorts without losing the chart.
    pagination.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(pagination).to_contain_text("Previous")
    expect(results.locator("tbody tr").first).to_be_visible()
    results.get_by_role("link", name=re.compile("^Period")).click()
    expect(results.locator("thead th").first).to_have_attribute("aria-sort", re.compile("ending$"))
    chart.scroll_into_view_if_needed()  # drawn again once the reader scrolls back up to it
    expect(chart.locator("svg.main-svg").first).to_be_visible()


def test_executive_sees_focus_areas_still_to_be_confirmed(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    nav(page).get_by_role("link", name="Strategy", exact=True).click()
    page.locator("a.nhsuk-card__link", has_text="People – ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People: Be a great place to work")
    focus_areas = page.locator(".portal-focus-areas > li")
    expect(focus_areas).to_have_count(9)
    expect(focus_areas.filter(has_text="Derived: to confirm")).to_have_count(9)

    focus_areas.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/focus-areas/\d+/$"))
    callout = page.locator(".nhsuk-warning-callout").filter(has_text="Derived, to confirm")
    expect(callout).to_be_visible()
    expect(callout).to_contain_text("An administrator should confirm or correct it.")
    expect(page.get_by_role("heading", level=2, name="The strategy’s words")).to_be_visible()
    expect(page.locator("blockquote.portal-quote")).not_to_be_empty()
    expect_demo_banner(page)
    check_accessibility(page, "focus-area-derived")


def test_viewer_reads_the_fy18_business_plan_and_its_programme_ratings(page: Page, live_server):
    login(page, live_server, "viewer", "viewer-demo")
    expect(page.get_by_role("banner")).to_contain_text("(Viewer)")
    nav(page).get_by_role("link", name="Strategy history").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Strategy history")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("td:first-child")).to_have_text(
        [CURRENT_STRATEGY, "Business Plan FY18", "Strategic framework 2012"]
    )
    # Past its end date (31 March 2026) the current strategy says so.
    expect(rows.filter(has_text=CURRENT_STRATEGY).locator(".nhsuk-tag")).to_have_text(
        re.compile(r"^Current( \(ended 31 March 2026: results continue\))?$")
    )
    expect(rows.filter(has_text="Business Plan FY18").locator(".nhsuk-tag")).to_have_text(
        "Superseded"
    )
    expect_demo_banner(page)
    check_accessibility(page, "history")

    page.get_by_role("link", name="Business Plan FY18").click()
    expect(page).to_have_url(re.compile(r"/strategies/business-plan-fy18/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Business Plan FY18")
    expect(page.get_by_role("heading", level=2, name="Priorities")).to_be_visible()
    expect(page.locator(".nhsuk-inset-text")).to_contain_text("This is a past strategy")
    expect(page.locator("a.nhsuk-card__link")).to_have_count(7)
    expect(page.get_by_role("heading", level=2, name="RAG key used in this plan")).to_be_visible()
    check_accessibility(page, "strategy-fy18")

    page.get_by_role("link", name=re.compile("joint endeavour with patients")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "To make care a joint endeavour with patients, families and carers"
    )
    expect(page.locator(".portal-governance")).to_have_count(0)
    page.get_by_role("link", name="Deliver patient involvement and experience strategy").click()

    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Workstream")
    expect(page.get_by_role("heading", level=2, name="Programmes and projects")).to_be_visible()
    programme = page.locator(".portal-programme").first
    expect(programme.get_by_role("heading", level=3)).to_contain_text(
        "Deliver patient involvement and experience (PEI) strategy"
    )
    update = programme.locator(".portal-update").first
    expect(update.locator(".portal-rag")).to_have_text("Amber")
    expect(update.locator(".portal-rag")).to_have_class(re.compile(r"portal-rag--amber"))
    expect(update.locator(".portal-as-written")).to_have_text("(written as ‘Yellow’)")
    expect(update).to_contain_text(re.compile(r"Amber\s+\(written as ‘Yellow’\)"))
    check_accessibility(page, "focus-area-programmes")

    # The Cost Improvement Programme workstream carries money as well as ratings.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Business Plan FY18"
    ).click()
    page.get_by_role("link", name=re.compile("high performing and financially viable")).click()
    page.get_by_role("link", name="Deliver the Cost Improvement Programme").click()
    programme = page.locator(".portal-programme")
    expect(programme).to_have_count(1)
    expect(programme.get_by_role("heading", level=3)).to_have_text("Cost Improvement Programme")
    expect(programme.get_by_role("heading", level=4)).to_have_text(
        [
            "Adults Directorate",
            "Children & Young People Directorate",
            "Older Adults Directorates",
            "Support Services",
        ]
    )
    expect(programme.locator("dt", has_text="Forecast for year").first).to_be_visible()
    expect(programme.locator("dd").first).to_contain_text("£")
    for word in programme.locator(".portal-rag").all_inner_texts():
        assert word in {"Red", "Amber", "Green", "Blue"}, word
    check_accessibility(page, "focus-area-cip")


def test_the_2012_framework_shows_its_drivers_and_enablers(page: Page, live_server):
    login(page, live_server, "secretary", "secretary-demo")
    nav(page).get_by_role("link", name="Strategy history").click()
    page.get_by_role("link", name="Strategic framework 2012").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic framework 2012")
    expect(page.locator(".nhsuk-inset-text")).to_contain_text("This is a past strategy")
    cards = page.locator("a.nhsuk-card__link")
    expect(cards).to_have_count(7)
    drivers = [
        "Driving quality improvement",
        "Delivering operational excellence",
        "Delivering innovation, learning and teaching",
        "Developing our business",
    ]
    enablers = [
        "Developing leadership, people and culture",
        "Getting the most out of technology",
        "Using our estate efficiently",
    ]
    expect(cards).to_have_text(drivers + enablers)
    captions = page.locator(".nhsuk-card .nhsuk-caption-m")
    expect(captions).to_have_text(
        [f"Strategic driver {n}" for n in range(1, 5)]
        + [f"Strategic enabler {n}" for n in range(5, 8)]
    )
    for heading in ("Strategic drivers", "Strategic enablers"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    check_accessibility(page, "strategy-2012")

    page.get_by_role("link", name="Go to the current strategy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CURRENT_STRATEGY)


def test_board_secretary_reads_units_and_people_then_logs_out(page: Page, live_server):
    login(page, live_server, "secretary", "secretary-demo")

    nav(page).get_by_role("link", name="Units").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisational units")
    units = page.locator("table tbody tr")
    expect(units).to_have_count(9)
    expect(page.locator("#unit-trust")).to_contain_text("Trust")
    community = units.filter(has_text="Community Services")
    expect(community).to_contain_text("Lee Lead (demo)")
    expect(community).not_to_contain_text("(demo) (demo)")
    expect(units.filter(has_text="Active").first).to_be_visible()
    expect_demo_banner(page)
    check_accessibility(page, "units")

    nav(page).get_by_role("link", name="People and roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    roles = page.locator("table").first.locator("tbody tr")
    expect(roles.filter(has_text="Chief Nurse")).to_contain_text("Marie Crofts")
    people = page.locator("table").nth(1).locator("tbody tr")
    expect(people.filter(has_text="Sam Secretary (demo)").locator(".nhsuk-tag")).to_have_text(
        "Demo"
    )
    check_accessibility(page, "people")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto(f"{live_server.url}/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/$"))


def test_administrator_opens_the_django_admin_from_the_menu(page: Page, live_server):
    login(page, live_server, "admin", "admin-demo")
    expect(page.get_by_role("banner")).to_contain_text("(Trust administrator)")
    # An administrator's menu is long: at this width the NHS.UK header moves the last
    # items under "More", as it does for any user on a narrower screen.
    open_from_menu(page, "Administration")

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Site administration"))
    page.get_by_role("link", name="Strategies", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    expect(page.locator("#result_list")).to_contain_text(CURRENT_STRATEGY)


def test_directorate_lead_has_no_administration(page: Page, live_server):
    login(page, live_server, "lead", "lead-demo")
    expect(page.get_by_role("banner")).to_contain_text("(Directorate lead)")
    expect(nav(page).get_by_role("link", name="Strategy history")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Administration")).to_have_count(0)

    # Django's admin does not answer 403: it sends a signed-in non-staff user to its
    # own login page, with an explanation, and shows nothing of the admin.
    response = page.goto(f"{live_server.url}/admin/objectives/strategy/")
    assert response is not None
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/objectives/strategy/$"))
    expect(page.locator("body")).to_contain_text(
        "You are authenticated as lead, but are not authorized to access this page"
    )
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.get_by_text("Site administration")).to_have_count(0)
    expect(page.get_by_role("link", name="Strategies")).to_have_count(0)


def test_account_without_a_role_is_refused(page: Page, live_server):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        "newstarter", password="new-starter-pw", first_name="Nina", last_name="New"
    )
    login(page, live_server, "newstarter", "new-starter-pw")

    # After logging in they are told whom to ask for access, and shown nothing else.
    expect(page).to_have_url(f"{live_server.url}/accounts/no-access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access yet")
    expect(main(page)).to_contain_text("your account has no role in the Strategy Portal yet")
    expect(nav(page).get_by_role("link")).to_have_count(0)
    check_accessibility(page, "forbidden")

    response = page.goto(f"{live_server.url}/units/")
    assert response is not None and response.status == 403
    response = page.goto(f"{live_server.url}/okrs/quality-cccs-training/")
    assert response is not None and response.status == 403
    expect(page.locator("#okr-chart")).to_have_count(0)
