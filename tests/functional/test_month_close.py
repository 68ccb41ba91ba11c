"""The month close in a real browser, as a board secretary does it: from the draft
IPR to the month's checklist, a reminder to a unit that is late, the executive
signing their summary, publishing once the checklist is clear (and, in a second
test, with an item open and the reason why), then exporting the pack and sending
it to the Board. Every page state is checked with axe-core (WCAG 2.2 AA), and the
close page is also saved at a phone's width.

The month is October 2026, a month of the demo's results: its monthly period was
due on 15 November 2026 and closed for entry on 30 November 2026, so on any day
these tests run what a unit still owes for it is late. The demo has every unit's
values submitted; three of Community Services' are deleted (through the ORM,
before the browser opens a page) so that the unit is outstanding.

E-mails go through Django's locmem backend (the test environment's), into
`mailoutbox`: the live server runs in a thread of the test's own process."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import VIEWPORT, check_accessibility, login
from tests.functional.test_dashboard import PHONE, no_page_scroll
from tests.functional.test_ipr import open_ipr_month
from tests.worker_process import run_worker_once

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MONTH = datetime.date(2026, 10, 1)
CLOSE = reverse("reporting:month_close", kwargs={"month": "2026-10"})
CONFIRMATION = "I have read the checklist and the report, and it can go to the Board"
REASON_BOX = "Why publish with these items open"
QUALITY = "Quality: Deliver the best possible care and health outcomes"
# Community Services' October values deleted to make the unit late, by OKR code
# and the statement the reminder names.
DELETED = {
    "demo-vacancy-rate": "Staff vacancy rate below 8% (demo)",
    "demo-carbon": "Monthly carbon emissions below 600 tCO2e (demo)",
    "demo-research-recruitment": "300 patients recruited to research studies each month (demo)",
}


def october():
    """October 2026's monthly reporting period (made by the demo)."""
    from okrs import periods
    from okrs.models import ReportingPeriod

    return ReportingPeriod.objects.get(frequency=periods.MONTHLY, starts_on=MONTH)


def delete_community_services_values(codes) -> None:
    """Community Services has not submitted these October values after all. The
    deletes write history rows, so the data version moves and no report kept
    from before is served."""
    from okrs.models import Result

    deleted, _ = Result.objects.filter(
        unit__slug="community-services", period=october(), key_result__code__in=list(codes)
    ).delete()
    assert deleted == len(codes)


def finish_the_other_narratives(*, by) -> None:
    """What `tests.month_close_world.write_every_narrative` does, for what is still
    open only: each summary not yet signed is written and signed, each
    OKR with exceptions and no commentary gets one. (`write_every_narrative` would
    rewrite the Quality summary the executive has just signed in the browser.)"""
    from django.utils import timezone

    from objectives.models import StrategicObjective
    from okrs import actions as okr_actions
    from okrs import periods
    from okrs.models import KeyResult
    from reporting.actions import write_narrative
    from reporting.ipr import assemble_ipr, forget_recent_reports
    from reporting.selectors import month_close

    period = okr_actions.ensure_reportable_period(periods.month_span(MONTH.year, MONTH.month))
    forget_recent_reports()
    checklist = month_close(MONTH, timezone.localdate(), assemble_ipr(MONTH))
    assert "Quality" not in [summary.name for summary in checklist.summaries]
    for summary in checklist.summaries:
        # No objective: the Chief Executive's overall summary of the month.
        objective = (
            None
            if summary.objective_id is None
            else StrategicObjective.objects.get(pk=summary.objective_id)
        )
        write_narrative(
            by=by,
            objective=objective,
            period=period,
            content={"text": f"{summary.name}: on track overall; see the exceptions."},
            sign_off=True,
        )
    for item in checklist.commentaries:
        write_narrative(
            by=by,
            objective=StrategicObjective.objects.get(pk=item.objective_id),
            period=period,
            key_result=KeyResult.objects.get(code=item.code),
            content={"issues": "Staffing gaps", "actions": "Recovery plan — COO, March"},
        )
    forget_recent_reports()


def switch_user(page: Page, live_server, username: str) -> None:
    page.get_by_role("button", name="Log out").click()
    login(page, live_server, username, f"{username}-demo")


def open_the_close_page(page: Page) -> None:
    """From the IPR's draft of October 2026, as a secretary would get there."""
    open_ipr_month(page, "October 2026")
    page.get_by_test_id("draft").get_by_role("button", name="Close the month and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the month October 2026 data")
    expect(page).to_have_url(re.compile(rf"{re.escape(CLOSE)}(#.*)?$"))


def check_on_a_phone(page: Page, name: str) -> None:
    """The page at a phone's width: nothing wider than the screen, and the same
    accessibility check (its screenshot is saved as <name>-phone.png)."""
    page.set_viewport_size(PHONE)
    no_page_scroll(page)
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size(VIEWPORT)


def outstanding_row(page: Page, unit: str) -> Locator:
    return (
        page.get_by_test_id("outstanding")
        .locator("tbody tr")
        .filter(has=page.locator("td").first.filter(has_text=unit))
    )


def sent_rows(page: Page) -> Locator:
    return page.get_by_test_id("sent-messages").locator("tbody tr")


def test_secretary_reminds_a_late_unit_publishes_a_clear_month_and_sends_the_pack(
    page: Page, live_server, mailoutbox, make_user
):
    from django.contrib.auth import get_user_model

    from reporting.ipr import forget_recent_reports
    from tests.month_close_world import (
        confirm_every_rule,
        report_every_programme,
        submit_everything_owed,
        superuser_with_person,
    )

    # Database work first, before the browser opens a page.
    delete_community_services_values(DELETED)
    entry_path = reverse(
        "okrs:enter_results", kwargs={"unit": "community-services", "period": october().pk}
    )

    # a. The secretary opens the month's close from the draft report.
    login(page, live_server, "secretary", "secretary-demo")
    open_the_close_page(page)
    expect(page.get_by_test_id("checklist-open")).to_be_visible()
    expect(page.get_by_test_id("item-month-ended")).to_contain_text(
        "October 2026 ended on 31 October 2026."
    )
    submissions = page.get_by_test_id("item-submissions")
    expect(submissions).to_contain_text("1 unit still owes 3 values.")
    row = outstanding_row(page, "Community Services")
    expect(page.get_by_test_id("outstanding").locator("tbody tr")).to_have_count(1)
    # Each cell carries its column's name, shown when the table stacks on a phone.
    expect(row.locator("td")).to_have_text(
        [
            "Unit Community Services",
            "Period October 2026",
            "Lead Lee Lead (demo)",
            "Not entered 3",
            "Draft 0",
            re.compile(r"Due 15 Nov 2026\s+Late\s+Entry closed"),
            re.compile(r"Reminder\s+Send reminder"),
        ]
    )
    expect(row.locator(".nhsuk-tag")).to_have_text(["Late", "Entry closed"])
    # The secretary may not write the Quality summary: the page offers to read it.
    summaries = page.get_by_test_id("item-summaries")
    expect(summaries).to_contain_text("Quality: not written")
    expect(summaries.get_by_role("link", name="Read it in the draft (Quality)")).to_be_visible()
    expect(summaries.get_by_role("link", name=re.compile("^Write it"))).to_have_count(0)
    expect(page.get_by_test_id("item-rules")).to_contain_text(
        "A Trust administrator confirms them on the Rating rules page."
    )
    expect(page.get_by_test_id("open-items")).to_be_visible()
    expect(page.get_by_text("No reminder or pack has been sent from here")).to_be_visible()
    check_accessibility(page, "month-close-open")
    check_on_a_phone(page, "month-close-open")

    # A reminder to Community Services' lead, by e-mail, kept as sent.
    row.get_by_role("button", name="Send reminder to Community Services, October 2026").click()
    # Back at the top of the page, where the message is.
    expect(page).to_have_url(re.compile(rf"{re.escape(CLOSE)}$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("Reminded the leads of Community Services")
    expect(status).to_be_in_viewport()
    expect(status).to_contain_text("lead@example.com")
    assert len(mailoutbox) == 1
    reminder = mailoutbox[0]
    assert reminder.to == ["lead@example.com"]
    assert reminder.subject == "Strategy Portal: results overdue"
    assert "Dear Lee Lead (demo)," in reminder.body
    assert "Community Services, October 2026: was due 15 November 2026" in reminder.body
    for statement in DELETED.values():
        assert f"  - {statement}: no value yet" in reminder.body
    # October's entry has closed: the lead is asked to send the values, not to
    # enter them (and a reply reaches the secretary).
    assert "entry closed 30 November 2026" in reminder.body
    assert (
        "Entry has closed: send the values to Sam Secretary (demo), who will enter them."
        in reminder.body
    )
    assert entry_path not in reminder.body
    assert (
        "Sam Secretary (demo) sent you this reminder while closing the month's report."
        in reminder.body
    )
    expect(outstanding_row(page, "Community Services")).to_contain_text("Reminded ")
    expect(sent_rows(page)).to_have_count(1)
    expect(sent_rows(page).locator("td")).to_have_text(
        [
            re.compile(r"^When \d{1,2} \w{3} \d{4}, \d\d:\d\d$"),
            "What Reminder: Community Services, October 2026",
            "To lead@example.com",
            "By Sam Secretary (demo)",
            "Outcome Sent",
        ]
    )
    check_accessibility(page, "month-close-reminded")
    check_on_a_phone(page, "month-close-reminded")

    # A second click within the hour sends nothing more.
    outstanding_row(page, "Community Services").get_by_role(
        "button", name="Send reminder to Community Services, October 2026"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Remind them again after an hour")
    expect(sent_rows(page)).to_have_count(1)
    assert len(mailoutbox) == 1

    # b. The lead follows the reminder's link. October's entry closed on 30 November,
    # so the page says to ask a board secretary and the lead cannot type the values
    # in here: they are submitted through `submit_everything_owed` instead, by the
    # secretary (who may correct a closed period, with a reason), as the lead's
    # figures would reach them.
    switch_user(page, live_server, "lead")
    page.goto(f"{live_server.url}{entry_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter results for October 2026")
    expect(page.locator("main")).to_contain_text(
        "Entry for October 2026 closed on 30 November 2026"
    )
    secretary = get_user_model().objects.get(username="secretary")
    submit_everything_owed(MONTH, by=secretary)

    # c. The executive (the Medical Director) writes and signs the Quality summary,
    # from the report.
    switch_user(page, live_server, "executive")
    open_ipr_month(page, "October 2026")
    quality = page.get_by_role("region", name=QUALITY, exact=True)
    expect(quality).to_contain_text("Not written No executive summary for October 2026 yet.")
    quality.get_by_role("link", name="Write the executive summary for Quality").click()
    expect(page.locator(".nhsuk-caption-l")).to_have_text("Quality · October 2026 data")
    page.get_by_label("Executive summary").fill(
        "Harm is down in three directorates; Bucks MH's CCCS training has a recovery plan."
    )
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.get_by_role("status")).to_contain_text("Saved and signed off.")
    expect(
        page.get_by_role("region", name=QUALITY, exact=True).locator(".portal-signature")
    ).to_contain_text("signed off by Erin Executive (demo)")

    # d. The rest is put right behind the scenes: the other objectives' summaries,
    # the commentaries on exceptions, the rules (confirmed by an administrator) and
    # the programmes' reports.
    clerk = superuser_with_person(make_user)
    finish_the_other_narratives(by=clerk)
    confirm_every_rule(MONTH, by=clerk)
    report_every_programme(MONTH, by=clerk)
    forget_recent_reports()

    switch_user(page, live_server, "secretary")
    open_the_close_page(page)
    expect(page.get_by_test_id("checklist-clear")).to_contain_text(
        "Nothing is open: the report is ready to publish."
    )
    expect(page.get_by_test_id("checklist-open")).to_have_count(0)
    expect(page.get_by_test_id("checklist").locator("h3 .nhsuk-tag")).to_have_text(["Done"] * 7)
    expect(page.get_by_test_id("item-submissions")).to_contain_text(
        "Every unit has submitted every value it owes"
    )
    expect(page.get_by_test_id("item-summaries")).to_contain_text(
        re.compile(r"All \d+ executive summaries are written and signed\.")
    )
    form = page.get_by_test_id("publish-form")
    expect(form.get_by_test_id("open-items")).to_have_count(0)
    expect(form.get_by_label(REASON_BOX)).to_have_count(0)
    # The reminder is still listed, whatever happened since.
    expect(sent_rows(page)).to_have_count(1)
    check_accessibility(page, "month-close-clear")
    check_on_a_phone(page, "month-close-clear")

    # Publishing needs the confirmation: without it the form is refused, saying so.
    form.get_by_label("Note for the record (optional)").fill("For the December Board")
    form.get_by_role("button", name="Publish this month").click()
    expect(page).to_have_title(re.compile(r"^Error: Close the month"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()  # read out first, and where the keyboard starts
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Confirm that the report can go to the Board"]
    )
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        "Error: Confirm that the report can go to the Board"
    )
    expect(page.get_by_label("Note for the record (optional)")).to_have_value(
        "For the December Board"
    )
    check_accessibility(page, "month-close-error")
    check_on_a_phone(page, "month-close-error")
    summary.get_by_role("link").click()
    expect(page.get_by_label(CONFIRMATION)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label(CONFIRMATION)).to_be_checked()
    page.get_by_role("button", name="Publish this month").click()

    expect(page).to_have_url(re.compile(r"/ipr/2026-10/\?revision=1$"))
    expect(page.get_by_role("status")).to_contain_text("Published")
    edition = page.get_by_test_id("edition")
    expect(edition).to_contain_text("Revision 1, published")
    expect(edition).to_contain_text("by Sam Secretary (demo)")
    expect(edition).to_contain_text("Note: For the December Board")
    expect(edition.get_by_test_id("published-with-open-items")).to_have_count(0)

    # e. Back on the close page: nothing to publish again, and the pack must be
    # exported before it can be sent.
    edition.get_by_role(
        "link", name="Close the month: checklist, revisions and sending the pack"
    ).click()
    expect(page.get_by_test_id("nothing-changed")).to_contain_text(
        "Nothing has changed since revision 1"
    )
    expect(page.get_by_role("button", name=re.compile("^Publish"))).to_have_count(0)
    expect(page.get_by_test_id("distribute-form")).to_have_count(0)
    export_first = page.get_by_test_id("export-first")
    expect(export_first).to_contain_text("Export revision 1’s pack first")
    export_first.get_by_role("link", name="the report’s page").click()
    expect(page).to_have_url(re.compile(r"/ipr/2026-10/\?revision=1#pack$"))

    # The export, as on the pack's own test: the worker prints it in the background.
    page.get_by_role("region", name="Board pack").get_by_role(
        "button", name="Export the pack of revision 1"
    ).click()
    expect(page.get_by_test_id("pack-status")).to_contain_text("Waiting to start")
    run_worker_once()
    expect(page.get_by_test_id("pack-status")).to_contain_text(
        "The files are ready", timeout=15_000
    )
    page.get_by_role("link", name="Back to the report").click()
    page.get_by_test_id("edition").get_by_role(
        "link", name="Close the month: checklist, revisions and sending the pack"
    ).click()

    send = page.get_by_test_id("distribute-form")
    expect(page.get_by_role("heading", level=2, name="Send the pack")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ipr-2026-10-revision-1.pdf")
    # With no distribution list in the settings and no pack sent yet, it starts empty.
    expect(send.get_by_label("Send to")).to_have_value("")
    expect(send.get_by_label("Attach the PDF")).to_be_checked()
    send.get_by_label("Send to").fill("chair@example.com\nceo@example.com")
    send.get_by_label("Message (optional)").fill("Papers for the Board on 9 December.")
    send.get_by_label("Attach the PDF").check()
    send.get_by_role("button", name="Send the pack").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(CLOSE)}$"))
    expect(page.get_by_role("status")).to_contain_text("Sent revision 1’s pack to 2 addresses.")
    assert len(mailoutbox) == 2
    pack = mailoutbox[1]
    assert pack.to == ["chair@example.com", "ceo@example.com"]
    assert pack.subject.endswith("Integrated Performance Report, October 2026 data (revision 1)")
    assert pack.body.startswith("Papers for the Board on 9 December.\n")
    assert "The pack is attached: ipr-2026-10-revision-1.pdf." in pack.body
    [attachment] = pack.attachments
    assert attachment.filename == "ipr-2026-10-revision-1.pdf"
    assert attachment.mimetype == "application/pdf"
    assert attachment.content.startswith(b"%PDF")
    expect(sent_rows(page)).to_have_count(2)
    expect(sent_rows(page).first.locator("td")).to_have_text(
        [
            re.compile(r"^When \d{1,2} \w{3} \d{4}, \d\d:\d\d$"),
            "What Board pack, revision 1 (attached)",
            "To chair@example.com, ceo@example.com",
            "By Sam Secretary (demo)",
            "Outcome Sent",
        ]
    )
    # The next time, the form starts with the list the pack went to.
    expect(page.get_by_label("Send to")).to_have_value("chair@example.com\nceo@example.com")
    check_accessibility(page, "month-close-sent")
    check_on_a_phone(page, "month-close-sent")


def test_publishing_with_an_item_open_needs_the_reason_printed_in_the_edition(
    page: Page, live_server, make_user
):
    from reporting.ipr import forget_recent_reports
    from tests.month_close_world import (
        confirm_every_rule,
        report_every_programme,
        superuser_with_person,
        write_every_narrative,
    )

    # Database work first: everything put right but one value Community Services
    # still owes for October.
    delete_community_services_values(["demo-carbon"])
    clerk = superuser_with_person(make_user)
    write_every_narrative(MONTH, by=clerk)
    confirm_every_rule(MONTH, by=clerk)
    report_every_programme(MONTH, by=clerk)
    forget_recent_reports()

    login(page, live_server, "secretary", "secretary-demo")
    open_the_close_page(page)
    expect(page.get_by_test_id("checklist-open")).to_contain_text(
        "1 open 1 of the items below is still open."
    )
    open_items = page.get_by_test_id("open-items")
    expect(open_items.get_by_role("heading")).to_have_text("Important: 1 item still open")
    expect(open_items.locator("li")).to_have_text(["1 unit still owes 1 value"])

    # Confirmed, but without saying why: refused, and the confirmation is kept.
    page.get_by_label(CONFIRMATION).check()
    page.get_by_role("button", name="Publish this month").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Say why the report is published with items open"]
    )
    reason = page.get_by_label(REASON_BOX)
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        "Error: Say why the report is published with items open"
    )
    expect(page.get_by_label(CONFIRMATION)).to_be_checked()
    check_accessibility(page, "month-close-reason-error")
    check_on_a_phone(page, "month-close-reason-error")

    summary.get_by_role("link").click()
    expect(reason).to_be_focused()
    reason.fill("Board papers go out today; Community Services' carbon figure follows.")
    page.get_by_role("button", name="Publish this month").click()

    expect(page).to_have_url(re.compile(r"/ipr/2026-10/\?revision=1$"))
    edition = page.get_by_test_id("edition")
    expect(edition.get_by_test_id("published-with-open-items")).to_have_text(
        "Published with 1 item open (1 unit still owes 1 value). Why: Board papers go out "
        "today; Community Services' carbon figure follows."
    )
    check_accessibility(page, "month-close-published-with-an-item-open")
