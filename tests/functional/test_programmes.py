"""The current strategy's programmes in a real browser: a Trust administrator
confirms one the papers named (giving it a lead, after a refused save) and adds
another; the lead reports on it for the month just ended from the objective's
page (after a refused save); the IPR of that month shows the report and the
programmes with none; a Viewer is offered no report and refused one. Every page
state is checked with axe-core (WCAG 2.2 AA), and the report form is also saved
at a phone's width.

The seeds read two programmes of the 2021–26 strategy from the papers, each
"Assumed: to confirm" and with no lead: Oxford Healthcare Improvement (Quality)
and the Improving Quality and Reducing Agency programme (Sustainability). A
programme's lead reports on the month just ended, which depends on the day the
tests run: it is worked out here as the objective's page works it out."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import VIEWPORT, check_accessibility, login, open_from_menu
from tests.functional.test_dashboard import PHONE, no_page_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

OHI = "Oxford Healthcare Improvement (OHI)"
AGENCY = "Improving Quality and Reducing Agency programme"
QUALITY = "Quality: Deliver the best possible care and health outcomes"
SUSTAINABILITY = "Sustainability: Make the best use of our resources and protect the environment"
AGENCY_FOCUS_AREA = "Sustainability: Reduce agency usage to a minimum"
ERIN = "Erin Executive (demo)"
PROGRESS = "Two of five wards have started the quality improvement training."


def last_month() -> tuple[datetime.date, str]:
    """The month just ended (the one a lead reports on) and its label."""
    from okrs import periods

    month = periods.month_just_ended(datetime.date.today())
    return month, periods.period_label(periods.MONTHLY, month)


def programme_row(table: Locator, title: str) -> Locator:
    return table.locator("tbody tr").filter(has=table.page.get_by_text(title, exact=True))


def check_on_a_phone(page: Page, name: str) -> None:
    """The page at a phone's width: nothing wider than the screen, and the same
    accessibility check (its screenshot is saved as <name>-phone.png)."""
    page.set_viewport_size(PHONE)
    no_page_scroll(page)
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size(VIEWPORT)


def switch_user(page: Page, live_server, username: str) -> None:
    page.get_by_role("button", name="Log out").click()
    login(page, live_server, username, f"{username}-demo")


def error_summary(page: Page) -> Locator:
    return page.locator(".nhsuk-error-summary")


def test_administrator_confirms_and_adds_programmes_and_the_lead_reports_for_the_ipr(
    page: Page, live_server
):
    month, month_label = last_month()

    # a. The administrator opens the Programmes page: both of the papers' programmes
    # are still to confirm.
    login(page, live_server, "admin", "admin-demo")
    open_from_menu(page, "Programmes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    expect(page.get_by_test_id("programmes-to-confirm")).to_contain_text("2 programmes to confirm")
    table = page.get_by_test_id("programmes")
    expect(table.locator("tbody tr")).to_have_count(2)
    for title in (OHI, AGENCY):
        row = programme_row(table, title)
        expect(row.locator(".nhsuk-tag")).to_have_text("Assumed: to confirm")
        expect(row).to_contain_text("Lead Not recorded")
        expect(row).to_contain_text("Latest report None yet")
    check_accessibility(page, "programmes")

    # b. Confirming OHI: the form says where it was read from. A first save with the
    # name wiped is refused, saying why, and nothing else typed is lost.
    page.get_by_role("link", name=f"Confirm or change {OHI}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change {OHI}")
    expect(page.locator("main")).to_contain_text(
        "Read from the Trust’s papers (002 Section 4, 'In support of the focus on quality"
    )
    expect(page.locator("main")).to_contain_text("Saving it, as it is or changed, confirms it")
    expect(page.get_by_label("Key focus area it delivers")).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_label("Key focus area it delivers").locator("option:checked")).to_have_text(
        "Quality: Collective learning from Incidents, complaints and from other organisations "
        "using a quality improvement approach"
    )
    page.get_by_label("Programme", exact=True).fill("")
    page.get_by_label("Programme lead").select_option(label=ERIN)
    page.get_by_label("Reason for the change").fill(
        "Confirmed at the Executive Management Committee"
    )
    page.get_by_role("button", name="Save as the Trust’s").click()
    expect(page).to_have_title(re.compile(r"^Error: Change "))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(["Enter the programme's name"])
    expect(page.locator(".nhsuk-error-message")).to_have_text("Error: Enter the programme's name")
    expect(page.get_by_label("Programme lead")).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_label("Programme lead").locator("option:checked")).to_have_text(ERIN)
    expect(page.get_by_label("Reason for the change")).to_have_value(
        "Confirmed at the Executive Management Committee"
    )
    check_accessibility(page, "programme-change-error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Programme", exact=True)).to_be_focused()
    page.get_by_label("Programme", exact=True).fill(OHI)
    page.get_by_role("button", name="Save as the Trust’s").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    expect(page.get_by_role("status")).to_contain_text(f"{OHI} saved as the Trust’s.")
    ohi = programme_row(table, OHI)
    expect(ohi.locator(".nhsuk-tag")).to_have_count(0)
    expect(ohi).to_contain_text(f"Lead {ERIN}")
    expect(ohi.get_by_role("link", name=f"Change {OHI}")).to_be_visible()
    expect(programme_row(table, AGENCY).locator(".nhsuk-tag")).to_have_text("Assumed: to confirm")
    expect(page.get_by_test_id("programmes-to-confirm")).to_contain_text("1 programme to confirm")
    check_accessibility(page, "programmes-one-confirmed")

    # c. A new programme, with no lead yet: the Trust's from the start.
    page.get_by_role("link", name="Add a programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a programme")
    expect(page.locator("main")).not_to_contain_text("Read from the Trust’s papers")
    page.get_by_label("Programme", exact=True).fill("E-rostering")
    page.get_by_label("Key focus area it delivers").select_option(label=AGENCY_FOCUS_AREA)
    expect(page.get_by_label("Programme lead").locator("option:checked")).to_have_text(
        "Not recorded"
    )
    page.get_by_label("Reason for the change").fill("Agreed at the Finance committee")
    check_accessibility(page, "programme-add")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("E-rostering added.")
    expect(table.locator("tbody tr")).to_have_count(3)
    rostering = programme_row(table, "E-rostering")
    expect(rostering).to_contain_text(AGENCY_FOCUS_AREA)
    expect(rostering).to_contain_text("Lead Not recorded")
    expect(rostering.locator(".nhsuk-tag")).to_have_count(0)
    expect(page.get_by_test_id("programmes-to-confirm")).to_contain_text("1 programme to confirm")

    # d. Erin, now OHI's lead, reports on it for the month just ended from the
    # Quality objective's page.
    switch_user(page, live_server, "executive")
    open_from_menu(page, "Strategy")
    page.locator("a.nhsuk-card__link").filter(has_text="Quality – ").click()
    expect(page).to_have_url(re.compile(r"/objectives/\d+/$"))
    objectives_table = page.get_by_test_id("objective-programmes")
    expect(objectives_table.locator("tbody tr")).to_have_count(1)
    ohi = programme_row(objectives_table, OHI)
    expect(ohi).to_contain_text(f"Lead {ERIN}")
    expect(ohi).to_contain_text("Latest report None yet")
    check_accessibility(page, "objective-programmes")
    # The link names its programme to a screen reader (the words after the month
    # are visually hidden, so a browser may read a space before the colon).
    report = ohi.get_by_role(
        "link", name=re.compile(rf"^Report for {month_label}\s?: {re.escape(OHI)}$")
    )
    expect(report).to_have_text(f"Report for {month_label}: {OHI}")
    report.click()
    expect(page).to_have_url(re.compile(rf"/{month:%Y-%m}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{OHI} {month_label} report")
    expect(page.get_by_test_id("earlier-reports")).to_have_count(0)
    check_accessibility(page, "programme-report")
    check_on_a_phone(page, "programme-report")

    # Saved without a rating: refused, and the progress typed is kept.
    page.get_by_label("Progress").fill(PROGRESS)
    page.get_by_role("button", name="Save the report").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Choose the programme's rating"])
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        "Error: Choose the programme's rating"
    )
    expect(page.get_by_label("Progress")).to_have_value(PROGRESS)
    check_accessibility(page, "programme-report-error")
    check_on_a_phone(page, "programme-report-error")

    # The summary's link leads to the choices.
    summary.get_by_role("link").click()
    expect(page.get_by_label("Green")).to_be_focused()
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save the report").click()
    expect(page).to_have_url(re.compile(r"/objectives/\d+/#programmes$"))
    expect(page.get_by_role("status")).to_contain_text(f"{OHI}: {month_label} report saved.")
    ohi = programme_row(page.get_by_test_id("objective-programmes"), OHI)
    expect(ohi).to_contain_text(f"Latest report {month_label}: Amber")
    expect(ohi).to_contain_text(PROGRESS)
    expect(ohi.locator(".portal-rag")).to_have_text("Amber")
    check_accessibility(page, "objective-programmes-reported")

    # e. The IPR's draft of the month just ended: OHI's report under Quality, the
    # agency programme and E-rostering without one under Sustainability.
    page.goto(f"{live_server.url}{reverse('reporting:ipr', args=[f'{month:%Y-%m}'])}?draft=1")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{month_label} data")
    quality = page.get_by_role("region", name=QUALITY, exact=True)
    expect(quality.get_by_test_id("programme-summary")).to_have_text("1 programme: 1 Amber.")
    rows = quality.get_by_test_id("programmes").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_contain_text(OHI)
    expect(rows.first.locator("td")).to_have_text([ERIN, "Amber", PROGRESS])

    sustainability = page.get_by_role("region", name=SUSTAINABILITY, exact=True)
    expect(sustainability.get_by_test_id("programme-summary")).to_have_text(
        f"2 programmes; 2 have no report for {month_label}."
    )
    rows = sustainability.get_by_test_id("programmes").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("th")).to_contain_text([AGENCY, "E-rostering"])
    expect(rows.nth(0).locator("th .nhsuk-tag")).to_have_text("Assumed: to confirm")
    expect(rows.nth(1).locator("th .nhsuk-tag")).to_have_count(0)
    for index in range(2):
        expect(rows.nth(index).locator("td")).to_have_text(
            ["Not recorded", "No report", "No report yet."]
        )
    check_accessibility(page, "ipr-programmes")


def test_a_viewer_is_offered_no_report_and_refused_one(page: Page, live_server):
    from objectives.models import Person, StrategicObjective
    from okrs.models import Programme

    # Database work first: OHI has Erin for its lead, so there is a report to offer.
    month, month_label = last_month()
    ohi = Programme.objects.get(title=OHI)
    Programme.objects.filter(pk=ohi.pk).update(lead=Person.objects.get(full_name=ERIN))
    quality = StrategicObjective.objects.get(strategy__is_current=True, short_name="Quality")
    objective_url = reverse("reporting:objective", args=[quality.pk])
    report_url = reverse("okrs:report_programme", args=[ohi.pk, f"{month:%Y-%m}"])

    login(page, live_server, "viewer", "viewer-demo")
    page.goto(f"{live_server.url}{objective_url}")
    row = programme_row(page.get_by_test_id("objective-programmes"), OHI)
    expect(row).to_contain_text(f"Lead {ERIN}")
    expect(page.get_by_role("link", name=re.compile(r"^Report for "))).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(f"Report for {month_label}")

    response = page.goto(f"{live_server.url}{report_url}")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.locator("main")).to_contain_text("Your role (Viewer) does not include this page.")
    expect(page.get_by_role("button", name="Save the report")).to_have_count(0)
    check_accessibility(page, "programme-report-refused")
