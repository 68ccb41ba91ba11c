"""Uploading a file of results: template, upload, preview of every row, and an
all-or-nothing confirmation through the same planner as the entry page."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import imports, periods
from okrs.models import KeyResult, ReportingPeriod, Result, ResultUpload
from okrs.result_planner import ResultChange
from tests.conftest import make_unit_lead, period_open_today
from tests.crafted_files import CRAFTED

pytestmark = pytest.mark.usefixtures("seeded")

HEADER = "okr_code,unit,period,value,comment"
ACTIVE_UNITS = ["community-services", "oxon-bsw-mh", "bucks-mh", "specialised", "trust"]
REASON = "Figures confirmed by the performance team"


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode()


@pytest.fixture
def open_period():
    """Q3 2020/21 with its entry window moved (as an administrator may) to include today,
    so a lead may enter it."""
    return period_open_today(periods.quarter_span(2020, 3))


@pytest.fixture
def bucks():
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def lead(make_user, bucks):
    return make_unit_lead(make_user, bucks)


@pytest.fixture
def secretary(users_by_role):
    return users_by_role[Role.BOARD_SECRETARY]


def post_file(client, content: bytes, name: str = "results.csv", reason: str = ""):
    return client.post(
        reverse("okrs:upload"), {"file": SimpleUploadedFile(name, content), "reason": reason}
    )


def preview_of(client, content: bytes, name: str = "results.csv", reason: str = ""):
    response = post_file(client, content, name, reason)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def confirm(client, response):
    """Press the confirm button of a preview page."""
    upload = response.context["upload"]
    return client.post(
        reverse("okrs:upload_preview", args=[upload.pk]),
        {"confirm": "1", "seen": response.context["preview"].fingerprint},
    )


def outcomes(response) -> list[tuple[int, str, str]]:
    return [(row.row.number, row.outcome, row.message) for row in response.context["preview"].rows]


def result(code: str, unit: str, label: str) -> Result | None:
    return Result.objects.filter(
        key_result__code=code, unit__slug=unit, period__starts_on=_start(label)
    ).first()


def _start(label: str) -> datetime.date:
    return periods.parse_period_label(label).starts_on


# --- Who may use it ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.BOARD_SECRETARY, 200),
        (Role.TRUST_ADMINISTRATOR, 200),
        (Role.DIRECTORATE_LEAD, 200),
        (Role.EXECUTIVE, 403),
        (Role.VIEWER, 403),
    ],
)
def test_the_upload_page_by_role(client, users_by_role, role, status):
    client.force_login(users_by_role[role])
    assert client.get(reverse("okrs:upload")).status_code == status


def test_an_account_without_a_role_cannot_upload(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("okrs:upload")).status_code == 403


def test_the_upload_page_has_a_form_and_the_reason_hint(client, secretary):
    client.force_login(secretary)
    content = client.get(reverse("okrs:upload")).content.decode()
    assert 'type="file"' in content and 'enctype="multipart/form-data"' in content
    assert "Required for board secretaries and administrators" in content
    # The reason counts its characters as it is typed.
    assert 'data-module="nhsuk-character-count" data-maxlength="2000"' in content
    assert "You can enter up to 2000 characters" in content


# --- Templates ---------------------------------------------------------------------


def template(client, unit: str, period: ReportingPeriod, fmt: str):
    return client.get(
        reverse("okrs:upload_template", kwargs={"unit": unit, "period": period.pk, "fmt": fmt})
    )


def test_a_lead_downloads_a_prefilled_csv_template(client, lead, bucks, open_period):
    okr_actions.apply_result_changes(
        by=lead,
        changes=[
            ResultChange(
                KeyResult.objects.get(code="quality-cccs-training"),
                bucks,
                open_period,
                "96",
                "Ahead",
            )
        ],
        submit=False,
    )
    client.force_login(lead)
    response = template(client, "bucks-mh", open_period, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="results-bucks-mh-q3-2020-21.csv"' in response["Content-Disposition"]
    rows = imports.read_result_file("t.csv", response.content)
    assert {row.okr_code for row in rows} == {
        "quality-reduce-harm",
        "quality-cccs-training",
        "quality-staff-sickness",
        "quality-patient-satisfaction",
    }
    assert {(row.unit, row.period) for row in rows} == {("bucks-mh", "Q3 2020/21")}
    cccs = next(row for row in rows if row.okr_code == "quality-cccs-training")
    assert (cccs.value, cccs.comment) == ("96", "Ahead")
    text = response.content.decode("utf-8-sig")
    # The target and last value are there to help, and ignored on upload.
    assert "quality-cccs-training,We will achieve 95% compliance in CCCS training" in text
    assert ",95,92,96,Ahead" in text


def test_an_xlsx_template_reads_back(client, lead, open_period):
    client.force_login(lead)
    response = template(client, "bucks-mh", open_period, "xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active["A1"].value == "okr_code" and workbook.active["A1"].font.bold
    assert len(imports.read_result_file("t.xlsx", response.content)) == 4


def test_templates_for_other_units_or_formats_are_refused(client, lead, secretary, open_period):
    client.force_login(lead)
    assert template(client, "specialised", open_period, "csv").status_code == 403
    assert template(client, "bucks-mh", open_period, "pdf").status_code == 404
    client.force_login(secretary)
    assert template(client, "specialised", open_period, "csv").status_code == 200
    # Adults had closed before Q3 2020/21.
    assert template(client, "adults", open_period, "csv").status_code == 404


# --- Malformed files -----------------------------------------------------------------


def workbook_with_formula() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["quality-cccs-training", "bucks-mh", "Q3 2020/21", "=90+6", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


MALFORMED = {
    "empty": ("results.csv", b"", "The file is empty."),
    "header only": ("results.csv", csv_file(), "The file has a header row but no rows"),
    "wrong columns": (
        "results.csv",
        b"code,unit,when,value\r\nquality-cccs-training,trust,Q3 2020/21,1\r\n",
        "The file has no okr_code, period or comment columns.",
    ),
    "not utf-8": (
        "results.csv",
        "okr_code,unit,period,value,comment\r\nquality-cccs-training,trust,Q3 2020/21,94,Café"
        "\r\n".encode("cp1252"),
        "Save the file as CSV UTF-8",
    ),
    "formula": (
        "results.xlsx",
        workbook_with_formula(),
        "Row 2, column D contains a formula: paste values only",
    ),
    "not a spreadsheet": ("results.pdf", b"%PDF-1.4 ...", "Upload a CSV (.csv) or Excel (.xlsx)"),
    "old excel": ("results.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "(.xls) cannot be read"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_are_refused_with_a_clear_message(client, secretary, case):
    name, content, message = MALFORMED[case]
    client.force_login(secretary)
    response = post_file(client, content, name, REASON)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not ResultUpload.objects.exists()


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_or_damaged_files_get_a_plain_message_and_nothing_is_kept(client, lead, case):
    """A file that cannot be read is refused as it is read: the page says why, and
    neither the file nor anything in it is kept."""
    name, content, message = CRAFTED[case]
    client.force_login(lead)
    response = post_file(client, content, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not ResultUpload.objects.exists()


def test_no_file_chosen(client, secretary):
    client.force_login(secretary)
    response = client.post(reverse("okrs:upload"), {"reason": REASON})
    assert "Choose a CSV or XLSX file of results to upload" in response.content.decode()


def test_a_huge_file_is_refused_up_front(client, secretary, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_FILE_BYTES", 1024 * 1024)
    client.force_login(secretary)
    content = csv_file(*["quality-cccs-training,trust,Q3 2020/21,94," + "x" * 100] * 11_000)
    response = post_file(client, content, reason=REASON)
    assert "The largest file you can upload is 1 MB" in response.content.decode()
    assert not ResultUpload.objects.exists()


def test_an_oversize_upload_is_refused_before_its_body_is_read(secretary, monkeypatch):
    """The size the browser declares is checked before the request body is read, so a
    huge upload costs the server neither memory nor disk. The CSRF check, which reads
    the body, comes after it, and still applies."""
    monkeypatch.setattr(imports.reading, "MAX_FILE_BYTES", 100 * 1024)
    bodies_read = []
    parse = MultiPartParser.parse
    monkeypatch.setattr(
        MultiPartParser, "parse", lambda parser: bodies_read.append(1) or parse(parser)
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    token = client.get(reverse("okrs:upload")).context["csrf_token"]
    row = "quality-cccs-training,trust,Q2 2020/21,95," + "x" * 100

    def upload(content: bytes, **fields):
        return client.post(
            reverse("okrs:upload"),
            {"file": SimpleUploadedFile("results.csv", content), "reason": REASON, **fields},
        )

    response = upload(csv_file(*[row] * 2_000), csrfmiddlewaretoken=token)
    assert response.status_code == 413
    page = response.content.decode()
    assert "There is a problem" in page and "The largest file you can upload is 0 MB" not in page
    assert "The file is larger than 100 KB. The largest file you can upload is 100 KB" in page
    assert bodies_read == [] and not ResultUpload.objects.exists()

    assert upload(csv_file(row)).status_code == 403  # no CSRF token
    assert not ResultUpload.objects.exists()
    assert upload(csv_file(row), csrfmiddlewaretoken=token).status_code == 302
    assert ResultUpload.objects.count() == 1


def test_too_many_rows_are_refused_up_front(client, secretary, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_DATA_ROWS", 5)
    client.force_login(secretary)
    content = csv_file(*["quality-cccs-training,trust,Q3 2020/21,94,"] * 6)
    response = post_file(client, content, reason=REASON)
    assert "more than 5 rows of results" in response.content.decode()


def test_an_overlong_reason_is_refused(client, secretary):
    client.force_login(secretary)
    response = post_file(
        client, csv_file("quality-cccs-training,trust,Q2 2020/21,95,"), reason="x" * 2001
    )
    assert "Enter 2,000 characters or fewer" in response.content.decode()
    assert not ResultUpload.objects.exists()


@pytest.mark.parametrize("reason", ["Late figures\x00", "Late\x1b figures"])
def test_control_characters_are_removed_from_a_reason(client, secretary, reason):
    """PostgreSQL cannot store a NUL, and nobody types one: control characters are
    removed from the reason given on the upload and on the preview, as from any
    typed text."""
    client.force_login(secretary)
    content = csv_file("quality-cccs-training,trust,Q2 2020/21,95,")
    preview_of(client, content, reason=reason)
    assert ResultUpload.objects.get().reason == reason.replace("\x00", "").replace("\x1b", "")

    response = preview_of(client, content)
    url = reverse("okrs:upload_preview", args=[response.context["upload"].pk])
    client.post(url, {"reason": f"{reason} again"})
    assert ResultUpload.objects.latest("pk").reason.isprintable()
    confirm(client, client.get(url))
    history = result("quality-cccs-training", "trust", "Q2 2020/21").history.latest()
    assert history.history_change_reason.isprintable()


def test_a_long_comment_or_name_in_the_file_is_refused_on_its_row(client, secretary):
    client.force_login(secretary)
    response = preview_of(
        client,
        csv_file(
            "quality-cccs-training,trust,Q2 2020/21,95," + "x" * 2001,
            "quality-" + "y" * 5000 + ",trust,Q2 2020/21,95,",
        ),
        reason=REASON,
    )
    assert outcomes(response) == [
        (2, "error", "Keep the comment to 2,000 characters or fewer (it has 2,001)"),
        (3, "error", "There is no OKR with the code quality-" + "y" * 52 + "…"),
    ]
    assert "y" * 100 not in response.content.decode()


# --- Preview and confirmation ------------------------------------------------------------


def test_the_preview_lists_every_row_with_its_outcome(client, secretary, open_period):
    client.force_login(secretary)
    before = Result.objects.count()
    response = preview_of(
        client,
        csv_file(
            "quality-staff-sickness,specialised,Q2 2020/21,4,",  # as saved
            "quality-staff-sickness,Bucks MH,Q2 2020/21,3.4,",  # was 4
            "quality-cccs-training,bucks-mh,Q3 2020/21,96%,",  # nothing yet
            "quality-patient-satisfaction,bucks-mh,Q2 2020/21,,",  # left as it is
            "quality-nothing,bucks-mh,Q2 2020/21,5,",
            "quality-cccs-training,trust,Q2 2020/21,lots,",
            "quality-cccs-training,trust,Q2 2020/21,80,",
        ),
        reason=REASON,
    )
    assert outcomes(response) == [
        (2, "unchanged", ""),
        (3, "changed", ""),
        (4, "new", ""),
        (5, "skipped", "No value: left as it is"),
        (6, "error", "There is no OKR with the code quality-nothing"),
        (7, "error", "Row 8 also gives this OKR, unit and period: keep one row"),
        (8, "error", "Row 7 also gives this OKR, unit and period: keep one row"),
    ]
    assert response.context["counts"] == {
        "new": 1,
        "changed": 1,
        "unchanged": 1,
        "error": 3,
        "skipped": 1,
    }
    page = response.content.decode()
    assert "Nothing has been saved. Correct the file and upload it again" in page
    assert "Confirm and save" not in page
    assert 'href="#row-6">Row 6: There is no OKR with the code quality-nothing' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Error</strong>' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--green">New</strong>' in page
    # Confirming anyway saves nothing: one bad row, nothing written.
    confirm(client, response)
    assert Result.objects.count() == before
    assert result("quality-staff-sickness", "bucks-mh", "Q2 2020/21").value == Decimal(4)


def test_the_preview_shows_each_values_target_and_the_rating_it_would_get(
    client, secretary, open_period
):
    """CCCS training: at least 95%, 2 points' tolerance (the seeded Trust's rule):
    96% meets it, Green; 94% is 1 point short, within the tolerance, Amber; 92% is
    3 points short, beyond it, Red (and so needs its comment). A row in error is
    not rated."""
    client.force_login(secretary)
    response = preview_of(
        client,
        csv_file(
            "quality-cccs-training,bucks-mh,Q3 2020/21,96,",
            "quality-cccs-training,specialised,Q3 2020/21,94,",
            "quality-cccs-training,community-services,Q3 2020/21,92,Backlog of records",
            "quality-nothing,bucks-mh,Q3 2020/21,5,",
        ),
        reason=REASON,
    )
    rows = response.context["preview"].rows
    assert [(row.target_text, row.rating) for row in rows] == [
        ("at least 95%", "green"),
        ("at least 95%", "amber"),
        ("at least 95%", "red"),
        ("", None),
    ]
    page = response.content.decode()
    ratings = re.findall(r'data-testid="rating">(.*?)</td>', page, flags=re.DOTALL)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in ratings] == [
        "Green",
        "Amber",
        "Red",
        "",
    ]


def test_planner_errors_show_on_their_rows(client, secretary):
    client.force_login(secretary)
    response = preview_of(
        client,
        csv_file(
            "quality-cccs-training,trust,Q2 2020/21,lots,",
            "quality-cccs-training,specialised,Q2 2020/21,80,",
            "quality-draft-seclusion,trust,Q2 2020/21,5,",
        ),
        reason=REASON,
    )
    assert outcomes(response) == [
        (2, "error", "Enter a number, like 94 or 94.5"),
        (
            3,
            "error",
            "Explain in a comment why the value misses its target of 95% by more than the "
            "tolerance of 2 percentage points",
        ),
        (4, "error", "quality-draft-seclusion is a draft OKR: it takes no results yet"),
    ]


def test_a_clean_file_is_saved_in_one_go_and_re_uploading_it_changes_nothing(
    client, secretary, open_period
):
    client.force_login(secretary)
    content = csv_file(
        "quality-staff-sickness,bucks-mh,Q2 2020/21,3.4,Better rota",
        "quality-cccs-training,bucks-mh,Q3 2020/21,£96,",
        "quality-cccs-training,trust,Q3 2020/21,95.5,",
    )
    response = preview_of(client, content, reason=REASON)
    assert not response.context["preview"].has_errors
    assert "Confirm and save 3 values" in response.content.decode()
    saved = confirm(client, response)
    upload = ResultUpload.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "okrs:upload_preview", args=[upload.pk]
    )
    changed = result("quality-staff-sickness", "bucks-mh", "Q2 2020/21")
    assert (changed.value, changed.comment) == (Decimal("3.4"), "Better rota")
    new = result("quality-cccs-training", "bucks-mh", "Q3 2020/21")
    assert new.value == Decimal(96) and new.status == "submitted" and new.entered_by == secretary
    record = changed.history.latest()
    assert record.history_user == secretary and record.history_change_reason == REASON
    upload.refresh_from_db()
    assert upload.committed_by == secretary and upload.committed_at is not None
    assert upload.row_count == 3 and len(upload.sha256) == 64
    page = client.get(saved["Location"]).content.decode()
    assert "Saved" in page and "3 values from results.csv saved." in page
    assert reverse("objectives:home") in page

    history = Result.history.count()
    again = preview_of(client, content, reason=REASON)
    assert [outcome for _, outcome, _ in outcomes(again)] == ["unchanged"] * 3
    assert "Nothing to save" in again.content.decode()
    assert "Confirm and save" not in again.content.decode()
    confirm(client, again)
    assert Result.history.count() == history


def test_a_second_confirmation_saves_nothing_more(client, secretary):
    client.force_login(secretary)
    response = preview_of(
        client, csv_file("quality-cccs-training,trust,Q2 2020/21,95,"), reason=REASON
    )
    confirm(client, response)
    history = Result.history.count()
    again = confirm(client, response)
    assert again.status_code == 200 and "Saved" in again.content.decode()
    assert Result.history.count() == history


def test_an_xlsx_upload_is_saved(client, secretary):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["quality-cccs-training", "Trust", "Q2 2020/21", 0.955, "Up"])
    sheet["D2"].number_format = "0.0%"
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(secretary)
    response = preview_of(client, out.getvalue(), name="results.xlsx", reason=REASON)
    assert outcomes(response) == [(2, "changed", "")]
    confirm(client, response)
    assert result("quality-cccs-training", "trust", "Q2 2020/21").value == Decimal("95.5")


def test_a_lead_cannot_upload_for_another_unit(client, lead, open_period):
    client.force_login(lead)
    before = Result.history.count()
    response = preview_of(
        client,
        csv_file(
            "quality-cccs-training,bucks-mh,Q3 2020/21,96,",
            "quality-cccs-training,specialised,Q3 2020/21,96,",
        ),
    )
    assert outcomes(response) == [
        (2, "new", ""),
        (3, "error", "You cannot enter results for Specialised."),
    ]
    assert "You cannot enter results for Specialised." in response.context["preview"].general_errors
    confirm(client, response)
    assert Result.history.count() == before
    assert result("quality-cccs-training", "bucks-mh", "Q3 2020/21") is None


def test_a_lead_uploads_for_their_own_unit_while_the_window_is_open(client, lead, open_period):
    client.force_login(lead)
    response = preview_of(client, csv_file("quality-cccs-training,bucks-mh,Q3 2020/21,96,"))
    confirm(client, response)
    saved = result("quality-cccs-training", "bucks-mh", "Q3 2020/21")
    assert saved.value == Decimal(96) and saved.history.latest().history_user == lead


def test_a_lead_cannot_upload_after_the_window_closed(client, lead):
    client.force_login(lead)
    response = preview_of(client, csv_file("quality-cccs-training,bucks-mh,Q2 2020/21,96,"))
    ((_, outcome, message),) = outcomes(response)
    assert outcome == "error" and "closed on" in message


def test_a_secretary_must_give_a_reason(client, secretary):
    client.force_login(secretary)
    response = preview_of(client, csv_file("quality-cccs-training,trust,Q2 2020/21,95,"))
    preview = response.context["preview"]
    assert preview.general_errors == ["Give a reason for this correction"]
    page = response.content.decode()
    assert "Confirm and save" not in page and 'name="reason"' in page
    confirm(client, response)
    assert result("quality-cccs-training", "trust", "Q2 2020/21").value == Decimal(94)

    upload = response.context["upload"]
    url = reverse("okrs:upload_preview", args=[upload.pk])
    client.post(url, {"reason": REASON})
    checked = client.get(url)
    assert not checked.context["preview"].has_errors
    confirm(client, checked)
    saved = result("quality-cccs-training", "trust", "Q2 2020/21")
    assert saved.value == Decimal(95)
    assert saved.history.latest().history_change_reason == REASON


def test_only_the_uploader_sees_or_confirms_an_upload(client, secretary, users_by_role):
    client.force_login(secretary)
    response = preview_of(
        client, csv_file("quality-cccs-training,trust,Q2 2020/21,95,"), reason=REASON
    )
    url = reverse("okrs:upload_preview", args=[response.context["upload"].pk])
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    assert result("quality-cccs-training", "trust", "Q2 2020/21").value == Decimal(94)


def test_a_value_saved_by_someone_else_meanwhile_is_shown_before_saving(
    client, secretary, lead, bucks, open_period
):
    client.force_login(secretary)
    response = preview_of(
        client, csv_file("quality-cccs-training,bucks-mh,Q3 2020/21,96,"), reason=REASON
    )
    assert outcomes(response) == [(2, "new", "")]
    okr_actions.apply_result_changes(
        by=lead,
        changes=[
            ResultChange(
                KeyResult.objects.get(code="quality-cccs-training"), bucks, open_period, "97"
            )
        ],
        submit=True,
    )
    refused = confirm(client, response)
    assert refused.status_code == 200
    assert "Results changed since you checked" in refused.content.decode()
    assert outcomes(refused) == [(2, "changed", "")]
    assert result("quality-cccs-training", "bucks-mh", "Q3 2020/21").value == Decimal(97)
    confirm(client, refused)
    assert result("quality-cccs-training", "bucks-mh", "Q3 2020/21").value == Decimal(96)


def test_repeated_rows_are_grouped_and_the_preview_stays_small(client, lead, open_period):
    """5,000 copies of one row once made a 148 MB page (every copy listed every other):
    a repeat names at most a few of the others, and the page lists a bounded number
    of rows, with the counts covering them all."""
    client.force_login(lead)
    row = "quality-cccs-training,bucks-mh,Q3 2020/21,96,"
    response = preview_of(client, csv_file(*[row] * 5_000))
    messages = [message for _, _, message in outcomes(response)]
    assert messages[0] == (
        "Rows 3, 4, 5, 6, 7 and 4,994 more also give this OKR, unit and period: keep one row"
    )
    assert set(messages[1:]) == {"Row 2 also gives this OKR, unit and period: keep one row"}
    assert response.context["counts"]["error"] == 5_000
    page = response.content.decode()
    assert len(response.content) < 250_000
    assert (
        'href="#row-3">Rows 3, 4, 5, 6, 7 and 4,994 more: Row 2 also gives this OKR, unit '
        "and period: keep one row</a>"
    ) in page
    assert "The first 200 of 5,000 rows in error are listed" in page


def test_the_preview_of_the_largest_file_stays_small(client, lead, open_period):
    client.force_login(lead)
    lines = [f"quality-unknown-{number},bucks-mh,Q3 2020/21,96," for number in range(20_000)]
    response = preview_of(client, csv_file(*lines))
    assert response.context["counts"]["error"] == 20_000
    assert len(response.content) < 250_000
    page = response.content.decode()
    assert 'href="#row-2">Row 2: There is no OKR with the code quality-unknown-0' in page
    assert "And 19,980 more rows in error." in page


def test_the_preview_query_count_does_not_grow_with_rows(client, secretary, open_period):
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    codes = [
        okr_actions.create_key_result(
            by=None,
            objective=objective,
            code=f"upload-extra-{number}",
            statement=f"Extra OKR {number}",
            reason="test",
            status="active",
            measure="percentage",
            direction="increase",
            frequency="quarterly",
        ).code
        for number in range(40)
    ]
    client.force_login(secretary)

    def queries_for(okr_codes) -> int:
        lines = [f"{code},{unit},Q3 2020/21,50," for code in okr_codes for unit in ACTIVE_UNITS]
        response = post_file(client, csv_file(*lines), reason=REASON)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(response["Location"])
        assert page.context["counts"]["new"] == len(lines)
        return len(captured)

    assert queries_for(codes[:2]) == queries_for(codes)


def test_the_file_is_read_once_and_each_preview_plans_its_rows_afresh(
    client, secretary, lead, bucks, open_period
):
    client.force_login(secretary)
    response = post_file(
        client, csv_file("quality-cccs-training,bucks-mh,Q3 2020/21,96,"), reason=REASON
    )
    upload = ResultUpload.objects.get()
    assert upload.rows == [[2, "quality-cccs-training", "bucks-mh", "Q3 2020/21", "96", "", "", ""]]
    # The rows kept are what is previewed and saved: the file is not read again. A
    # row kept before numerators and denominators were read (six cells) reads too.
    ResultUpload.objects.filter(pk=upload.pk).update(
        content=b"", rows=[[2, "quality-cccs-training", "bucks-mh", "Q3 2020/21", "96", ""]]
    )
    assert outcomes(client.get(response["Location"])) == [(2, "new", "")]
    okr_actions.apply_result_changes(
        by=lead,
        changes=[
            ResultChange(
                KeyResult.objects.get(code="quality-cccs-training"), bucks, open_period, "96"
            )
        ],
        submit=True,
    )
    again = client.get(response["Location"])
    assert outcomes(again) == [(2, "unchanged", "")]


def test_an_upload_stored_before_rows_were_kept_is_read_from_its_file(
    client, secretary, monkeypatch
):
    client.force_login(secretary)
    response = post_file(
        client, csv_file(*["quality-cccs-training,trust,Q2 2020/21,95,"] * 3), reason=REASON
    )
    ResultUpload.objects.update(rows=None)
    assert len(outcomes(client.get(response["Location"]))) == 3
    monkeypatch.setattr(imports.reading, "MAX_DATA_ROWS", 2)  # the limit was lowered since
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "more than 2 rows of results" in page.content.decode()
    assert "Confirm and save" not in page.content.decode()


def test_a_person_keeps_at_most_ten_unconfirmed_uploads_and_can_discard_one(
    client, secretary, users_by_role
):
    content = csv_file("quality-cccs-training,trust,Q2 2020/21,95,")
    kept = [
        imports.store_upload(by=secretary, filename=f"f{n}.csv", content=content, reason="")
        for n in range(imports.MAX_UNCONFIRMED_UPLOADS)
    ]
    client.force_login(secretary)
    page = client.get(reverse("okrs:upload")).content.decode()
    assert "Files not yet confirmed" in page and "f9.csv" in page

    refused = post_file(client, content, reason=REASON)
    assert refused.status_code == 200
    assert (
        "You have 10 uploaded files not yet confirmed. Confirm or discard one of them"
        in refused.content.decode()
    )
    assert ResultUpload.objects.count() == 10

    preview = reverse("okrs:upload_preview", args=[kept[0].pk])
    assert client.get(preview, {"discard": "1"}).status_code == 200  # a GET never deletes
    other = users_by_role[Role.TRUST_ADMINISTRATOR]
    client.force_login(other)
    assert client.post(preview, {"discard": "1"}).status_code == 404  # not theirs
    assert ResultUpload.objects.filter(pk=kept[0].pk).exists()
    client.force_login(secretary)
    response = client.post(preview, {"discard": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("okrs:upload")
    assert "f0.csv discarded." in response.content.decode()
    assert not ResultUpload.objects.filter(pk=kept[0].pk).exists()
    assert post_file(client, content, reason=REASON).status_code == 302


def test_a_confirmed_upload_cannot_be_discarded(client, secretary):
    client.force_login(secretary)
    response = preview_of(
        client, csv_file("quality-cccs-training,trust,Q2 2020/21,95,"), reason=REASON
    )
    confirm(client, response)
    upload = ResultUpload.objects.get()
    page = client.post(reverse("okrs:upload_preview", args=[upload.pk]), {"discard": "1"})
    assert page.status_code == 200 and "Saved" in page.content.decode()
    assert ResultUpload.objects.filter(pk=upload.pk).exists()
    with pytest.raises(imports.UploadRefused, match="kept as the record of its values"):
        imports.discard_upload(by=secretary, upload=upload)


def test_unconfirmed_uploads_are_pruned_after_thirty_days_and_confirmed_ones_kept(secretary):
    from django.core.management import call_command

    content = csv_file(
        "okr_code,unit,period,value,comment", "quality-cccs-training,trust,Q2 2020/21,94,"
    )

    def stored(days_ago: int, *, confirmed: bool) -> ResultUpload:
        upload = imports.store_upload(by=secretary, filename="f.csv", content=content, reason="")
        ResultUpload.objects.filter(pk=upload.pk).update(
            uploaded_at=timezone.now() - datetime.timedelta(days=days_ago),
            committed_at=timezone.now() if confirmed else None,
        )
        return upload

    old_unconfirmed = stored(31, confirmed=False)
    recent_unconfirmed = stored(29, confirmed=False)
    old_confirmed = stored(400, confirmed=True)
    output = io.StringIO()
    call_command("prune_uploads", stdout=output)
    assert output.getvalue().strip() == "Deleted 1 unconfirmed upload older than 30 days."
    remaining = set(ResultUpload.objects.values_list("pk", flat=True))
    assert remaining == {recent_unconfirmed.pk, old_confirmed.pk}
    assert old_unconfirmed.pk not in remaining
