"""Entering results in a real browser: a directorate lead types a month's values
(and gets them back, with the errors, when one is wrong), uploads a spreadsheet
through its preview, and a board secretary corrects a closed period with a reason.
Every page state is checked with axe-core (WCAG 2.2 AA).

The periods open for entry depend on the day the tests run, so the open month is
found through the links on My submissions, never written here. The closed period
is a seeded one (Q2 2020/21), whose key is looked up before the browser starts."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.functional.conftest import check_accessibility, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# A monthly period's label is a month and a year ("October 2026"); a quarter's
# starts with Q ("Q2 2026/27").
MONTH_LABEL = r"[A-Z][a-z]+ \d{4}"

VACANCIES = "Staff vacancy rate below 8% (demo)"
TURNOVER = "Staff turnover below 12% (demo)"
APPRAISALS = "95% of staff appraised in the last 12 months (demo)"
AGENCY = "Agency spend below 5% of the pay bill (demo)"
CARBON = "Monthly carbon emissions below 600 tCO2e (demo)"
RESEARCH = "300 patients recruited to research studies each month (demo)"
# Values that meet every target (so no comment is needed), by OKR: typed, and for
# the two rates worked out from a numerator and a denominator, both of those
# (126 ÷ 1,800 = 7.0% vacancies; 1,536 ÷ 1,600 = 96.0% appraised).
GOOD_VALUES = {
    TURNOVER: "10.5",
    AGENCY: "4.5",
    CARBON: "150",
    RESEARCH: "310",
}
GOOD_FRACTIONS = {VACANCIES: ("126", "1800"), APPRAISALS: ("1536", "1600")}
EVERY_OKR = [*GOOD_FRACTIONS, *GOOD_VALUES]
SATISFACTION = "Our overall patient satisfaction scores will be above 90"


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def main(page: Page):
    return page.locator("main")


def okr_fieldset(page: Page, statement: str) -> Locator:
    """One OKR's fieldset on the entry page: its legend is the OKR's statement."""
    return page.get_by_role("group", name=statement, exact=True)


def value_box(page: Page, statement: str) -> Locator:
    return okr_fieldset(page, statement).get_by_label(re.compile(r"^Value \("))


def fraction_boxes(page: Page, statement: str) -> tuple[Locator, Locator]:
    """An OKR's numerator and denominator boxes, each labelled with what it counts."""
    fieldset = okr_fieldset(page, statement)
    return fieldset.locator("input[name^='numerator_']"), fieldset.locator(
        "input[name^='denominator_']"
    )


def fill_fractions(page: Page, fractions: dict[str, tuple[str, str]]) -> None:
    for statement, (numerator, denominator) in fractions.items():
        numerator_box, denominator_box = fraction_boxes(page, statement)
        numerator_box.fill(numerator)
        denominator_box.fill(denominator)


def comment_box(page: Page, statement: str) -> Locator:
    return okr_fieldset(page, statement).get_by_label(re.compile(r"^Comment"))


def monthly_entry_link(page: Page, unit: str) -> Locator:
    # Not scoped to <main>: it is also used inside filter(has=...), which looks
    # for it within each card.
    return page.get_by_role(
        "link", name=re.compile(rf"^Enter results for {re.escape(unit)}, {MONTH_LABEL}$")
    )


def open_month_label(link: Locator) -> str:
    """'October 2026' from the link 'Enter results for Community Services, October 2026'."""
    name = " ".join((link.text_content() or "").split())
    return re.search(rf"({MONTH_LABEL})$", name).group(1)


def test_lead_enters_a_months_results_corrects_an_error_and_reads_a_values_history(
    page: Page, live_server
):
    login(page, live_server, "lead", "lead-demo")
    nav(page).get_by_role("link", name="My submissions").click()
    expect(page).to_have_url(f"{live_server.url}/submissions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My submissions")
    expect(main(page)).to_contain_text("What Community Services and Oxon & BSW MH still owe")

    # The month open today: Community Services owes six demo OKRs, none submitted yet.
    link = monthly_entry_link(page, "Community Services")
    expect(link).to_have_count(1)
    month = open_month_label(link)
    card = page.locator(".nhsuk-card").filter(has=link)
    expect(card.get_by_role("heading", level=3)).to_have_text(
        "Community Services: 0 of 6 submitted"
    )
    rows = card.locator("tbody tr")
    expect(rows).to_have_count(6)
    for statement in EVERY_OKR:
        row = rows.filter(has_text=statement)
        expect(row.locator(".nhsuk-tag")).to_have_text(re.compile(r"^(Missing|Late)$"))
        expect(row.locator("td").nth(3)).to_have_text("—")
    check_accessibility(page, "my-submissions")

    link.click()
    expect(page).to_have_url(re.compile(r"/submissions/community-services/\d+/$"))
    expect(page.locator(".nhsuk-caption-l")).to_have_text("Community Services")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enter results for {month}")
    expect(page.locator("fieldset.portal-entry")).to_have_count(6)
    expect(okr_fieldset(page, APPRAISALS)).to_contain_text("Target at least 95%")
    check_accessibility(page, "enter-results")

    # The rates are entered as what they are worked out from, each box named by
    # what it counts.
    expect(
        okr_fieldset(page, APPRAISALS).get_by_label("Staff appraised in the last 12 months")
    ).to_have_count(1)
    expect(
        okr_fieldset(page, APPRAISALS).get_by_label("Staff in post needing an appraisal")
    ).to_have_count(1)

    # Every value typed: one is not a percentage, and research recruitment misses
    # Community Services' own target (75, its share of the Trust's 300) with no
    # comment to explain it.
    typed = {**GOOD_VALUES, AGENCY: "101", RESEARCH: "60"}
    for statement, value in typed.items():
        value_box(page, statement).fill(value)
    fill_fractions(page, GOOD_FRACTIONS)
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page).to_have_title(re.compile(r"^Error: Enter results"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read out first, and where the keyboard starts
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Nothing has been saved yet")
    expect(summary.get_by_role("link")).to_have_text(
        [
            f"{AGENCY}: Enter a percentage between 0 and 100",
            re.compile(rf"^{re.escape(RESEARCH)}: Explain in a comment why the value misses"),
        ]
    )
    # Each error is beside its field, and marks it.
    agency = okr_fieldset(page, AGENCY)
    expect(agency.locator(".nhsuk-error-message")).to_have_text(
        "Error: Enter a percentage between 0 and 100"
    )
    expect(value_box(page, AGENCY)).to_have_class(re.compile(r"nhsuk-input--error"))
    expect(okr_fieldset(page, RESEARCH).locator(".nhsuk-error-message")).to_contain_text(
        "Explain in a comment why the value misses its target of 75"
    )
    expect(okr_fieldset(page, VACANCIES).locator(".nhsuk-error-message")).to_have_count(0)
    # Nothing typed is lost, the wrong value included.
    for statement, value in typed.items():
        expect(value_box(page, statement)).to_have_value(value)
    for statement, (numerator, denominator) in GOOD_FRACTIONS.items():
        numerator_box, denominator_box = fraction_boxes(page, statement)
        expect(numerator_box).to_have_value(numerator)
        expect(denominator_box).to_have_value(denominator)
    check_accessibility(page, "enter-results-errors")

    # The summary's link takes the lead to the field to correct.
    summary.get_by_role("link", name=re.compile("Enter a percentage")).click()
    expect(value_box(page, AGENCY)).to_be_focused()
    value_box(page, AGENCY).fill("4.5")
    comment_box(page, RESEARCH).fill(
        "Two studies paused recruitment while their sponsor re-consented."
    )
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Community Services, {month}: 6 values submitted."
    )
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator(".nhsuk-summary-list")).to_contain_text(re.compile(r"Submitted\s*6 of 6"))
    expect(value_box(page, AGENCY)).to_have_value("4.5")
    expect(fraction_boxes(page, APPRAISALS)[0]).to_have_value("1536")
    expect(okr_fieldset(page, APPRAISALS)).to_contain_text("(now 96.0%)")
    expect(comment_box(page, RESEARCH)).to_have_value(
        "Two studies paused recruitment while their sponsor re-consented."
    )
    for statement in EVERY_OKR:
        expect(okr_fieldset(page, statement).locator(".nhsuk-tag")).to_have_text("Submitted")
    check_accessibility(page, "enter-results-submitted")

    # My submissions says so too: the month's card shows every value submitted.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="My submissions"
    ).click()
    card = page.locator(".nhsuk-card").filter(has=monthly_entry_link(page, "Community Services"))
    expect(card.get_by_role("heading", level=3)).to_have_text(
        "Community Services: 6 of 6 submitted"
    )
    expect(card.locator("tbody .nhsuk-tag")).to_have_text(["Submitted"] * 6)
    expect(card.locator("tbody tr").filter(has_text=APPRAISALS).locator("td").nth(3)).to_have_text(
        "96.0%"
    )

    # Each value keeps its history: who entered it, what and why.
    monthly_entry_link(page, "Community Services").click()
    okr_fieldset(page, APPRAISALS).get_by_role("link", name="History of this value").click()
    expect(page).to_have_url(re.compile(r"/results/\d+/history/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"History: {APPRAISALS}")
    expect(page.locator(".nhsuk-caption-l")).to_have_text(f"Community Services · {month}")
    versions = page.get_by_role("region", name="History of the value").locator("tbody tr")
    expect(versions).to_have_count(1)
    cells = versions.first.locator("td")
    expect(cells.nth(1)).to_have_text("Lee Lead (demo)")
    expect(cells.nth(2)).to_have_text("Created")
    expect(cells.nth(3)).to_contain_text("Value: 96.0%")
    expect(cells.nth(3)).to_contain_text("Status: Submitted")
    expect(cells.nth(4)).to_have_text("Submitted")
    check_accessibility(page, "result-history")


def _filled_template(
    template: bytes, values: dict[str, str], fractions: dict[str, tuple[str, str]]
) -> bytes:
    """The downloaded CSV template with `values` (and the numerators and
    denominators of `fractions`) typed in, by OKR statement, as a person would in a
    spreadsheet program, saved as CSV UTF-8 again."""
    rows = list(csv.DictReader(io.StringIO(template.decode("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        if row["okr_statement"] in fractions:
            row["numerator"], row["denominator"] = fractions[row["okr_statement"]]
        else:
            row["value"] = values[row["okr_statement"]]
        writer.writerow(row)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _upload(page: Page, filename: str, content: bytes) -> None:
    page.get_by_label("File of results").set_input_files(
        files=[{"name": filename, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and check").click()


def test_lead_uploads_a_filled_template_through_its_preview(page: Page, live_server):
    login(page, live_server, "lead", "lead-demo")
    nav(page).get_by_role("link", name="My submissions").click()
    link = monthly_entry_link(page, "Oxon & BSW MH")
    month = open_month_label(link)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enter results for {month}")

    # The template: the unit's OKRs for the month, with the columns the upload reads.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"CSV template for Oxon & BSW MH, {month}").click()
    download = download_info.value
    slug = re.sub(r"[^a-z0-9]+", "-", month.lower())
    filename = f"results-oxon-bsw-mh-{slug}.csv"
    assert download.suggested_filename == filename
    template = download.path().read_bytes()
    assert template.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark"
    rows = list(csv.DictReader(io.StringIO(template.decode("utf-8-sig"), newline="")))
    assert list(rows[0].keys()) == [
        "okr_code",
        "okr_statement",
        "unit",
        "period",
        "target",
        "previous_value",
        "value",
        "comment",
        "numerator",
        "denominator",
    ]
    assert {row["okr_statement"] for row in rows} == set(EVERY_OKR)
    assert {(row["unit"], row["period"], row["value"]) for row in rows} == {
        ("oxon-bsw-mh", month, "")
    }

    # One value is a word, not a number: nothing is saved and the row says why.
    bad_file = _filled_template(template, {**GOOD_VALUES, AGENCY: "lots"}, GOOD_FRACTIONS)
    main(page).get_by_role("link", name="upload it").click()
    expect(page).to_have_url(f"{live_server.url}/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload results")
    check_accessibility(page, "upload")
    _upload(page, filename, bad_file)

    expect(page).to_have_url(re.compile(r"/upload/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the upload")
    expect(page.locator(".nhsuk-caption-l")).to_have_text(filename)
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Nothing has been saved. Correct the file and upload it again.")
    bad_row = next(
        number for number, row in enumerate(rows, start=2) if row["okr_statement"] == AGENCY
    )
    expect(summary.get_by_role("link")).to_have_text(
        [f"Row {bad_row}: Enter a number, like 94 or 94.5"]
    )
    counts = page.locator(".nhsuk-summary-list")
    expect(counts).to_contain_text(re.compile(r"New values\s*5"))
    expect(counts).to_contain_text(re.compile(r"Rows in error\s*1"))
    table = page.get_by_role("region", name=f"Rows of {filename}")
    lines = table.locator("tbody tr")
    expect(lines).to_have_count(6)
    expect(lines.locator("td:first-child")).to_have_text([str(n) for n in range(2, 8)])
    error_line = page.locator(f"#row-{bad_row}")
    expect(error_line.locator(".nhsuk-tag")).to_have_text("Error")
    expect(error_line.locator("td").nth(4)).to_have_text("lots")
    # Rows name what they change as the portal knows it: the OKR's words, the unit's name.
    expect(error_line.locator("td").nth(1)).to_contain_text(AGENCY)
    expect(error_line.locator("td").nth(2)).to_have_text("Oxon & BSW MH")
    expect(error_line.locator("td").last).to_have_text("Enter a number, like 94 or 94.5")
    expect(lines.locator(".nhsuk-tag").filter(has_text="New")).to_have_count(5)
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    check_accessibility(page, "upload-preview-errors")

    # The corrected file: every row new, saved only when confirmed.
    good_file = _filled_template(template, GOOD_VALUES, GOOD_FRACTIONS)
    page.get_by_role("link", name="Upload a corrected file").click()
    _upload(page, filename, good_file)
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    rows = page.get_by_role("region", name=f"Rows of {filename}")
    expect(rows.get_by_test_id("outcome")).to_have_text(["New"] * 6)
    # Each value with the rating it would get against its target.
    expect(rows.get_by_test_id("rating").locator(".nhsuk-tag")).to_have_count(6)
    confirm = page.get_by_role("button", name="Confirm and save 6 values")
    expect(confirm).to_be_visible()
    check_accessibility(page, "upload-preview")
    confirm.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Saved")
    expect(page.get_by_role("status")).to_contain_text(f"6 values from {filename} saved.")
    expect(page.locator(".nhsuk-panel")).to_contain_text(f"The results in {filename} were saved on")
    check_accessibility(page, "upload-saved")

    # The same file again changes nothing, and says so.
    page.get_by_role("link", name="Upload another file").click()
    _upload(page, filename, good_file)
    expect(
        page.get_by_role("region", name=f"Rows of {filename}").get_by_test_id("outcome")
    ).to_have_text(["Unchanged"] * 6)
    expect(page.locator(".nhsuk-inset-text")).to_contain_text(
        "Nothing to save: every value in the file is already saved as it is."
    )
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    check_accessibility(page, "upload-preview-unchanged")

    # And the lead's page shows the month submitted.
    nav(page).get_by_role("link", name="My submissions").click()
    card = page.locator(".nhsuk-card").filter(has=monthly_entry_link(page, "Oxon & BSW MH"))
    expect(card.get_by_role("heading", level=3)).to_have_text("Oxon & BSW MH: 6 of 6 submitted")


def test_board_secretary_corrects_a_closed_period_with_a_reason(page: Page, live_server):
    from okrs import periods
    from okrs.models import ReportingPeriod

    # Database work first, before the browser opens a page.
    quarter = ReportingPeriod.objects.get(
        frequency=periods.QUARTERLY, starts_on=datetime.date(2020, 7, 1)
    )
    url = reverse("okrs:enter_results", kwargs={"unit": "bucks-mh", "period": quarter.pk})

    login(page, live_server, "secretary", "secretary-demo")
    page.goto(f"{live_server.url}{url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter results for Q2 2020/21")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text(
        re.compile(r"Entry closed\s*30 November 2020")
    )
    warning = page.locator(".nhsuk-warning-callout").filter(has_text="Correction")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Entry for this period closed on 30 November 2020.")
    expect(warning).to_contain_text(
        "Any change you make here is a correction: give the reason below."
    )
    expect(value_box(page, SATISFACTION)).to_have_value("80")
    reason = page.get_by_label("Reason for the change", exact=True)
    expect(reason).to_be_visible()
    # A secretary is not the unit's lead: no breadcrumb back to My submissions.
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_have_count(0)
    check_accessibility(page, "correct-closed-period")

    # The re-audited figure, without a reason: refused, with the value kept.
    value_box(page, SATISFACTION).fill("86")
    page.get_by_role("button", name="Submit", exact=True).click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(["Give a reason for this correction"])
    reason_group = page.locator(".nhsuk-form-group").filter(has=reason)
    expect(reason_group).to_have_class(re.compile(r"nhsuk-form-group--error"))
    expect(reason_group.locator(".nhsuk-error-message")).to_have_text(
        "Error: Give a reason for this correction"
    )
    expect(value_box(page, SATISFACTION)).to_have_value("86")
    check_accessibility(page, "correct-closed-period-errors")

    summary.get_by_role("link").click()
    expect(reason).to_be_focused()
    reason.fill("Survey re-audited by the patient experience team: 86, not 80.")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bucks MH, Q2 2020/21: 1 value submitted.")
    expect(value_box(page, SATISFACTION)).to_have_value("86")
    expect(page.get_by_label("Reason for the change", exact=True)).to_have_value("")

    # The history keeps both versions: the loaded figure and the correction, with
    # who made it and why.
    okr_fieldset(page, SATISFACTION).get_by_role("link", name="History of this value").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"History: {SATISFACTION}")
    expect(page.locator(".nhsuk-caption-l")).to_have_text("Bucks MH · Q2 2020/21")
    versions = page.get_by_role("region", name="History of the value").locator("tbody tr")
    expect(versions).to_have_count(2)
    newest, first = versions.nth(0).locator("td"), versions.nth(1).locator("td")
    expect(newest.nth(1)).to_have_text("Sam Secretary (demo)")
    expect(newest.nth(2)).to_have_text("Changed")
    expect(newest.nth(3)).to_have_text("Value: 80 → 86")
    expect(newest.nth(4)).to_have_text(
        "Survey re-audited by the patient experience team: 86, not 80."
    )
    expect(first.nth(1)).to_have_text("Strategy Portal (system)")
    expect(first.nth(2)).to_have_text("Created")
    expect(first.nth(3)).to_contain_text("Value: 80")
    check_accessibility(page, "result-history-correction")


def test_board_secretary_removes_a_value_only_by_saying_so(page: Page, live_server):
    """Emptying a box is refused (it once deleted the value silently); the value is
    removed by ticking 'Remove this value' and giving a reason, and the confirmation
    names what was removed."""
    from okrs import periods
    from okrs.models import ReportingPeriod

    quarter = ReportingPeriod.objects.get(
        frequency=periods.QUARTERLY, starts_on=datetime.date(2020, 7, 1)
    )
    url = reverse("okrs:enter_results", kwargs={"unit": "bucks-mh", "period": quarter.pk})

    login(page, live_server, "secretary", "secretary-demo")
    page.goto(f"{live_server.url}{url}")
    value_box(page, SATISFACTION).fill("")
    page.get_by_label("Reason for the change", exact=True).fill("Entered against the wrong unit")
    page.get_by_role("button", name="Submit", exact=True).click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        [f"{SATISFACTION}: Enter a value (it was 80), or tick ‘Remove this value’ to remove it"]
    )
    expect(value_box(page, SATISFACTION)).to_have_value("")
    check_accessibility(page, "remove-value-refused")

    remove = page.get_by_label(f"Remove this value for {SATISFACTION} (now 80): give the reason")
    remove.check()
    page.set_viewport_size({"width": 390, "height": 844})
    check_accessibility(page, "remove-value-ticked-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Information: Bucks MH, Q2 2020/21: Removed: {SATISFACTION} (was 80)."
    )
    expect(value_box(page, SATISFACTION)).to_have_value("")
    expect(okr_fieldset(page, SATISFACTION).get_by_text("Remove this value")).to_have_count(0)
    check_accessibility(page, "remove-value-done")
