"""The Board pack from the browser's side: a secretary exports a published month,
the background worker makes the PDF, workbook and CSV, and anyone who reads the
report can download the exact files again. The PDF is read back as text."""

import contextlib
import datetime
import hashlib
import io
import os
import re
import signal
import time
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from objectives.roles import Role
from okrs.models import Result
from reporting.actions import publish_ipr, request_pack_export, update_cover
from reporting.models import BoardCover, PackExport, PackFile
from tests.worker_process import run_worker_once, start_worker

pytestmark = pytest.mark.usefixtures("seeded", "worker_keeps_the_test_connection")
SEPTEMBER = datetime.date(2020, 9, 1)
MONTH = "2020-09"
# The Trust's objectives and the executives named for them in the seeds (the
# Medical Director post is vacant in the seeds, so only the Chief Nurse is named).
OBJECTIVE_TITLES = [
    "Deliver the best possible care and health outcomes",
    "Be a great place to work",
    "Make the best use of our resources and protect the environment",
    "Become a leader in healthcare research and education",
]


def correct_bucks_cccs(value):
    result = Result.objects.get(key_result__code="quality-cccs-training", unit__slug="bucks-mh")
    result.value = Decimal(value)
    result.save()


def run_worker():
    """The real worker command, once over the queue."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def export_and_run(by, edition, capture):
    with capture(execute=True):
        export = request_pack_export(by=by, data_month=SEPTEMBER, edition=edition)
    run_worker()
    export.refresh_from_db()
    return export


@pytest.fixture
def secretary(users_by_role):
    return users_by_role[Role.BOARD_SECRETARY]


def test_a_published_month_exports_to_a_board_ready_pdf_workbook_and_csv(
    secretary, django_capture_on_commit_callbacks
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    update_cover(
        by=secretary,
        edition=edition,
        fields={"reference": "BOD 71/2020", "agenda_item": "9", "lead_executive": "Jo Smith"},
        reason="Agenda set",
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)

    assert export.status == PackExport.Status.DONE, export.error
    assert export.task_id
    files = {stored.format: stored for stored in export.files.all()}
    assert set(files) == {"pdf", "xlsx", "csv"}
    assert files["pdf"].filename == "ipr-2020-09-revision-1.pdf"
    pdf = files["pdf"].file.read()
    assert pdf.startswith(b"%PDF-")
    assert files["pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
    pages = pdf_pages(pdf)
    assert files["pdf"].page_count == len(pages) >= 10
    text = "\n".join(pages)
    # The cover sheet, as the Trust's Board papers set it out.
    assert "Report to the Meeting of the" in pages[0]
    assert "Oxford Health NHS Foundation Trust Board of Directors" in pages[0]
    assert "BOD 71/2020" in pages[0] and "(Agenda item: 9)" in pages[0]
    assert "For: Assurance" in pages[0] and "Jo Smith" in pages[0]
    assert "Governance Route/Escalation Process" in pages[0]
    # Every page carries the running header with the revision and 'Page X of Y'.
    for number, page in enumerate(pages, start=1):
        assert "Integrated Performance Report — September 2020 data — Revision 1" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "DRAFT" not in text
    for title in OBJECTIVE_TITLES:
        assert title in text
    assert "Marie Crofts" in text and "Chief Nurse" in text
    # RAG printed as words: the slide's overall row for Quality.
    for word in ("Red", "Amber", "Green"):
        assert re.search(rf"\b{word}\b", text)
    # The cover, in the order of the Trust's Board papers (its first page).
    cover = pages[0]
    fields = [
        "Governance Route/Escalation Process",
        "Statutory or Regulatory responsibilities",
        "Recommendation",
        "Authors:",
        "Lead Executive Director:",
    ]
    assert [cover.index(field) for field in fields] == sorted(cover.index(f) for f in fields)
    assert "Key to ratings and icons" in text
    assert "Appendix: OKR definitions" in text
    # Charts come with their text alternative; the PDF is tagged and titled.
    assert "SPC chart of Trust's values" in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == (
        "Integrated Performance Report — September 2020 data — Revision 1"
    )
    # The charts (and the logo) are vector drawings: no page carries a bitmap.
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        assert not [name for name, item in objects.items() if item.get("/Subtype") == "/Image"]


def test_the_contents_gives_the_page_each_part_starts_on(
    secretary, django_capture_on_commit_callbacks
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    pages = pdf_pages(export.files.get(format="pdf").file.read())
    contents = next(page for page in pages if "Contents" in page)
    listed = dict(re.findall(r"^(.+?) (\d+)$", contents, flags=re.MULTILINE))
    # Every part is numbered, including objectives whose long titles wrap.
    for title in OBJECTIVE_TITLES:
        number = next(int(page) for entry, page in listed.items() if title in entry)
        assert "".join(title.split()) in "".join(pages[number - 1].split())
    for title in ["Executive summary", "Key to ratings and icons", "Appendix: OKR definitions"]:
        starts_on = int(listed[title])
        assert title in pages[starts_on - 1]
        assert title not in "".join(pages[2 : starts_on - 1])
    quality = int(listed["Quality: Deliver the best possible care and health outcomes"])
    assert "Quality: OKRs by unit" in pages[quality - 1]


def test_a_draft_pack_says_so_on_every_page(secretary, django_capture_on_commit_callbacks):
    export = export_and_run(secretary, None, django_capture_on_commit_callbacks)
    assert export.status == PackExport.Status.DONE, export.error
    stored = export.files.get(format="pdf")
    assert stored.filename == "ipr-2020-09-draft.pdf"
    pages = pdf_pages(stored.file.read())
    assert all("September 2020 data — DRAFT — not published" in page for page in pages)
    assert "DRAFT — not published. Figures may be provisional" in pages[0]


def test_a_revised_edition_prints_its_revision_and_what_changed(
    secretary, django_capture_on_commit_callbacks
):
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    correct_bucks_cccs(96)
    revised = publish_ipr(
        by=secretary,
        data_month=SEPTEMBER,
        note="CCCS corrected",
        reason="Published with items open for this example",
    )
    export = export_and_run(secretary, revised, django_capture_on_commit_callbacks)
    text = "\n".join(pdf_pages(export.files.get(format="pdf").file.read()))
    assert "September 2020 data — Revision 2" in text
    assert "What changed from revision 1" in text
    assert "92.0% → 96.0%" in text


def test_a_failed_export_says_why_in_plain_words_and_keeps_no_files(
    client, secretary, settings, django_capture_on_commit_callbacks, caplog
):
    settings.CHROMIUM = "/nowhere/chromium"
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    assert export.status == PackExport.Status.FAILED
    assert export.error == (
        "The PDF printer (Chromium) is not set up on the server, so the pack could not "
        "be printed. Tell the portal's administrator."
    )
    assert not PackFile.objects.exists()
    # The detail is in the log for the administrator, not on the page.
    assert "CHROMIUM='/nowhere/chromium' does not exist" in caplog.text
    client.force_login(secretary)
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk]))
    assert b"The PDF printer (Chromium) is not set up" in page.content
    assert b"/nowhere" not in page.content and b"pack-progress.js" not in page.content
    assert b'type="submit">Try again' in page.content


def test_downloads_are_the_stored_bytes_for_every_role(
    client, users_by_role, secretary, django_capture_on_commit_callbacks, settings
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    stored = export.files.get(format="csv")
    expected = stored.file.read()
    for role in Role:
        client.force_login(users_by_role[role])
        response = client.get(reverse("reporting:download_pack_file", args=[stored.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == expected
        assert 'filename="ipr-2020-09-revision-1.csv"' in response["Content-Disposition"]
        page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk]))
        assert page.status_code == 200 and stored.sha256.encode() in page.content
    client.logout()
    response = client.get(reverse("reporting:download_pack_file", args=[stored.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.BOARD_SECRETARY, True),
        (Role.TRUST_ADMINISTRATOR, True),
        (Role.EXECUTIVE, False),
        (Role.DIRECTORATE_LEAD, False),
        (Role.VIEWER, False),
    ],
    ids=lambda value: getattr(value, "value", str(value)),
)
def test_only_secretaries_and_administrators_export_and_edit_the_cover(
    client, users_by_role, secretary, role, allowed
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    client.force_login(users_by_role[role])
    ipr_page = client.get(reverse("reporting:ipr", args=[MONTH]))
    assert (b"Export the pack of revision 1" in ipr_page.content) is allowed
    response = client.post(reverse("reporting:export_pack", args=[MONTH]), {"revision": "1"})
    assert response.status_code == (302 if allowed else 403)
    assert PackExport.objects.filter(edition=edition).exists() is allowed
    cover_url = reverse("reporting:edit_cover", args=[MONTH, 1])
    assert client.get(cover_url).status_code == (200 if allowed else 403)


def test_exporting_from_the_page_shows_its_progress(
    client, secretary, django_capture_on_commit_callbacks
):
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:export_pack", args=[MONTH]), {"revision": "1"})
    export = PackExport.objects.get()
    assert response["Location"] == reverse("reporting:pack_export", args=[MONTH, export.pk])
    page = client.get(response["Location"])
    assert b"Waiting to start" in page.content
    assert b"Waiting for the worker to start." in page.content
    status = client.get(reverse("reporting:pack_export_status", args=[MONTH, export.pk])).json()
    assert status == {
        "status": "queued",
        "status_label": "Waiting to start",
        "stage": "Waiting for the worker to start",
        "steps_done": 0,
        "steps_total": 4,
        "finished": False,
    }
    # The export of another month is not reachable under this one.
    assert (
        client.get(reverse("reporting:pack_export", args=["2020-08", export.pk])).status_code == 404
    )


def test_the_cover_sheet_is_edited_with_a_record_and_bad_input_keeps_the_rest(client, secretary):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    cover = BoardCover.objects.get(edition=edition)
    assert cover.meeting == "Oxford Health NHS Foundation Trust Board of Directors"
    assert cover.purpose == "Assurance"
    client.force_login(secretary)
    url = reverse("reporting:edit_cover", args=[MONTH, 1])
    form = {
        "meeting": cover.meeting,
        "meeting_date": "2020-11-25",
        "reference": "BOD 71/2020",
        "agenda_item": "9",
        "title": "",
        "purpose": "Assurance",
        "summary": "The Board's summary.",
        "recommendation": "Note the report.",
        "authors": "Ann Author – Head of Performance",
        "lead_executive": "Jo Smith – Director of Strategy",
        "governance_route": "Executive Management Committee",
        "statutory": "Supports the Board's duty to monitor quality and performance.",
        "reason": "Agenda published",
        "version": cover.version,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert b"Enter the paper&#x27;s title" in refused.content
    assert b"BOD 71/2020" in refused.content and b"Ann Author" in refused.content
    saved = client.post(url, form | {"title": "Integrated Performance Report"})
    assert saved.status_code == 302
    cover.refresh_from_db()
    assert cover.reference == "BOD 71/2020" and cover.meeting_date == datetime.date(2020, 11, 25)
    assert cover.statutory == "Supports the Board's duty to monitor quality and performance."
    latest = cover.history.latest()
    assert latest.history_user == secretary
    assert latest.history_change_reason == "Agenda published"
    assert latest.prev_record.reference == ""


def test_two_secretaries_editing_the_cover_the_later_save_is_refused(
    client, secretary, users_by_role
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    cover = BoardCover.objects.get(edition=edition)
    url = reverse("reporting:edit_cover", args=[MONTH, 1])
    form = {
        name: getattr(cover, name) or ""
        for name in ("meeting", "title", "purpose", "summary", "recommendation")
    } | {"version": cover.version}
    client.force_login(secretary)
    assert client.post(url, form | {"reference": "BOD 71/2020"}).status_code == 302
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    late = client.post(url, form | {"reference": "BOD 72/2020"})
    assert late.status_code == 200
    assert "changed the cover sheet while you were editing. Check it, then save again" in (
        late.content.decode()
    )
    assert "BOD 72/2020" in late.content.decode()
    cover.refresh_from_db()
    assert (cover.reference, cover.version) == ("BOD 71/2020", 2)


def test_the_cover_summary_is_bounded(client, secretary):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    cover = BoardCover.objects.get(edition=edition)
    client.force_login(secretary)
    form = {
        "meeting": cover.meeting,
        "title": cover.title,
        "purpose": cover.purpose,
        "summary": "s" * 500_000,
        "recommendation": cover.recommendation,
        "version": cover.version,
    }
    response = client.post(reverse("reporting:edit_cover", args=[MONTH, 1]), form)
    assert response.status_code == 200
    assert "Enter 6,000 characters or fewer" in response.content.decode()
    cover.refresh_from_db()
    assert len(cover.summary) < 6000


def test_a_revision_keeps_the_cover_of_the_one_before(secretary):
    first = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    update_cover(
        by=secretary, edition=first, fields={"reference": "BOD 71/2020"}, reason="Agenda set"
    )
    correct_bucks_cccs(93)
    second = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    assert second.cover.reference == "BOD 71/2020"


def test_the_command_writes_each_format_of_the_edition_or_the_draft(secretary, tmp_path):
    from openpyxl import load_workbook

    csv_file = tmp_path / "draft.csv"
    call_command("export_ipr", "--period", MONTH, "--format", "csv", "--output", str(csv_file))
    draft_rows = csv_file.read_bytes().decode("utf-8-sig").splitlines()
    assert draft_rows[0].startswith("data_month,edition,objective_number")
    assert all(",Draft," in row for row in draft_rows[1:])

    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    pdf_file, xlsx_file = tmp_path / "board.pdf", tmp_path / "board.xlsx"
    call_command("export_ipr", "--period", MONTH, "--format", "pdf", "--output", str(pdf_file))
    pages = pdf_pages(pdf_file.read_bytes())
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "September 2020 data — Revision 1" in pages[0]
    call_command(
        "export_ipr",
        "--period",
        MONTH,
        "--format",
        "xlsx",
        "--revision",
        "1",
        "--output",
        str(xlsx_file),
    )
    assert load_workbook(xlsx_file).sheetnames[:2] == ["Cover", "Summary"]


def test_the_command_says_what_is_wrong(secretary):
    from django.core.management.base import CommandError

    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    with pytest.raises(CommandError, match=r"no revision 3 \(published revisions: 1\)"):
        call_command("export_ipr", "--period", MONTH, "--format", "json", "--revision", "3")
    with pytest.raises(CommandError, match="A pdf file needs --output FILE"):
        call_command("export_ipr", "--period", MONTH, "--format", "pdf")
    with pytest.raises(CommandError, match="--period must be a month like 2020-09"):
        call_command("export_ipr", "--period", "September", "--format", "json")


def test_the_report_page_does_not_query_more_as_packs_pile_up(client, secretary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    client.force_login(secretary)
    url = f"{reverse('reporting:ipr', args=[MONTH])}?revision=1"

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def finished_export() -> None:
        """A finished export with its three files listed (what costs queries to show)."""
        from django.core.files.base import ContentFile

        export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
        PackExport.objects.filter(pk=export.pk).update(status=PackExport.Status.DONE)
        for file_format in ("pdf", "xlsx", "csv"):
            stored = PackFile(
                export=export, format=file_format, filename=f"f.{file_format}", size=1, sha256=""
            )
            stored.file.save(stored.filename, ContentFile(b"x"), save=True)

    finished_export()
    queries_for_page()  # the first reader reads the stored report; it is kept after
    with_one = queries_for_page()
    for _ in range(5):
        finished_export()
    assert queries_for_page() == with_one


def test_a_running_export_shows_its_step(client, secretary):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    PackExport.objects.filter(pk=export.pk).update(
        status=PackExport.Status.RUNNING, stage="Printing the PDF", steps_done=1
    )
    client.force_login(secretary)
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk]))
    assert b"In progress" in page.content
    assert b"Step 2 of 4: Printing the PDF." in page.content
    assert b"pack-progress.js" in page.content


def test_a_file_that_cannot_be_stored_takes_the_others_with_it(
    secretary, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from reporting.actions import pack_exports
    from reporting.exports import Rendered

    def render(pack, file_format, progress=None):
        return Rendered(b"x" * 10)

    monkeypatch.setattr(pack_exports, "render", render)
    original_save = PackFile.save

    def refuse_the_csv(self, *args, **kwargs):
        if self.format == "csv":
            raise OSError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(PackFile, "save", refuse_the_csv)
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    assert export.status == PackExport.Status.FAILED
    assert export.error == (
        "The pack's files could not be saved on the server (its storage may be full or "
        "not writable). Tell the portal's administrator."
    )
    assert not PackFile.objects.exists()
    packs = settings.MEDIA_ROOT / "packs"
    assert not [path for path in packs.rglob("*") if path.is_file()]


# --- The PDF printer stays inside the pack ---------------------------------------


@pytest.fixture
def listening_server(monkeypatch):
    """A web server on this machine that records every request it receives: a
    stand-in for any address a pack page could point the printer at."""
    import http.server
    import threading

    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    # Chromium stops public pages reaching this machine's own addresses by itself
    # (its local network access checks); turned off here so that the server tests
    # the printer's locks, which hold for any address.
    from reporting.exports import pdf

    flags = pdf.chromium_flags
    local_checks_off = "--disable-features=" + ",".join(
        [
            "BlockInsecurePrivateNetworkRequests",
            "PrivateNetworkAccessSendPreflights",
            "LocalNetworkAccessChecks",
        ]
    )
    monkeypatch.setattr(pdf, "chromium_flags", lambda: [*flags(), local_checks_off])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def pack_page_pointing_at(address: str):
    """The pack page as rendered, with everything a page can fetch from elsewhere
    added: an image, a stylesheet, a script, a frame, a fetch and a redirect."""
    from reporting.exports import pdf

    render_page = pdf.pack_html

    def render(*args, **kwargs):
        extra = (
            f'<img src="{address}/image.png" alt="">'
            f'<link rel="stylesheet" href="{address}/style.css">'
            f'<script src="{address}/script.js"></script>'
            f'<iframe src="{address}/frame"></iframe>'
            f'<script>fetch("{address}/fetch")</script>'
            f'<meta http-equiv="refresh" content="30; url={address}/refresh">'
        )
        return render_page(*args, **kwargs).replace("</main>", extra + "</main>")

    return render


def test_the_printer_requests_nothing_outside_the_pack(monkeypatch, listening_server):
    from reporting.exports import pdf
    from reporting.pack import draft_pack

    address, received = listening_server
    monkeypatch.setattr(pdf, "pack_html", pack_page_pointing_at(address))
    printed = pdf.render_pdf(draft_pack(SEPTEMBER))
    assert printed.page_count >= 10
    assert received == []


def test_the_printer_blocks_other_addresses_even_without_the_page_policy(
    monkeypatch, listening_server
):
    """Two locks: the page's Content-Security-Policy, and the printer answering
    only its own origin. Either alone keeps the printer in."""
    from reporting.exports import pdf
    from reporting.pack import draft_pack

    address, received = listening_server
    monkeypatch.setattr(pdf, "pack_html", pack_page_pointing_at(address))
    monkeypatch.setattr(pdf, "PACK_PAGE_CSP", "")
    pdf.render_pdf(draft_pack(SEPTEMBER))
    assert received == []


def test_the_pack_page_carries_a_strict_content_security_policy(monkeypatch):
    from reporting.exports import pdf

    policy = dict(directive.strip().split(" ", 1) for directive in pdf.PACK_PAGE_CSP.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'none'"
    assert policy["script-src"] == pdf.PACK_ORIGIN
    assert "*" not in pdf.PACK_PAGE_CSP and "http:" not in pdf.PACK_PAGE_CSP.split()


@pytest.mark.parametrize(
    ("uid", "setting", "sandboxed"),
    [(1000, False, True), (0, False, False), (1000, True, False)],
    ids=["a-user", "root", "turned-off-by-setting"],
)
def test_chromium_keeps_its_sandbox_unless_run_as_root_or_told_not_to(
    monkeypatch, settings, uid, setting, sandboxed
):
    from reporting.exports import pdf

    monkeypatch.setattr(pdf.os, "geteuid", lambda: uid)
    settings.CHROMIUM_NO_SANDBOX = setting
    assert ("--no-sandbox" not in pdf.chromium_flags()) is sandboxed


# --- A worker that dies mid-export ---------------------------------------------------

STOPPED = "The export stopped before finishing (the background worker was interrupted). Try again."
PRINTING = "Printing the PDF and numbering its contents"  # while Chromium runs


def wait_for(condition, *, seconds: float, what: str, worker=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"The worker ended before {what}:\n{worker.stderr.read()}")
        time.sleep(0.1)
    pytest.fail(f"Waited {seconds} s for {what}")


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_is_killed_stops_and_can_be_tried_again(client, settings, make_user):
    """The real worker, killed by its process id while printing the PDF: the export
    is shown as stopped once its heartbeat is overdue (reading never writes), the
    next worker marks it failed with a plain reason, and trying again works."""
    from datasets.seeding import load_seeds

    load_seeds()  # the database of a test that commits starts empty
    secretary = make_user("secretary-of-a-killed-export", Role.BOARD_SECRETARY)
    settings.PACK_EXPORT_STALE_AFTER_SECONDS = 3
    timings = {"PACK_EXPORT_HEARTBEAT_SECONDS": "0.5", "PACK_EXPORT_STALE_AFTER_SECONDS": "3"}
    export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=None)

    def current():
        return PackExport.objects.get(pk=export.pk)

    worker = start_worker(**timings)
    try:
        printing = wait_for(
            lambda: (row := current()).stage == PRINTING and row,
            seconds=120,
            what="the worker to start printing",
            worker=worker,
        )
        # Alive while printing: the heartbeat moves on though the stage does not.
        wait_for(
            lambda: (
                (row := current()).heartbeat_at > printing.heartbeat_at
                and row.stage == printing.stage
            ),
            seconds=10,
            what="a heartbeat while printing",
            worker=worker,
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)  # the printer it started, if left

    killed = current()
    assert killed.status == PackExport.Status.RUNNING and not killed.files.exists()
    client.force_login(secretary)
    status_url = reverse("reporting:pack_export_status", args=[MONTH, export.pk])
    status = wait_for(
        lambda: (answer := client.get(status_url).json())["finished"] and answer,
        seconds=15,
        what="the export to show as stopped",
    )
    assert status["status"] == "stopped" and status["status_label"] == "Stopped"
    assert status["stage"] == STOPPED
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk]))
    assert STOPPED.encode() in page.content
    assert b"pack-progress.js" not in page.content  # it no longer polls
    assert b'type="submit">Try again' in page.content
    # Reading it changed nothing.
    assert current().status == PackExport.Status.RUNNING

    retried = client.post(reverse("reporting:export_pack", args=[MONTH]))
    again = PackExport.objects.exclude(pk=export.pk).get()
    assert retried["Location"] == reverse("reporting:pack_export", args=[MONTH, again.pk])
    run_worker_once(**timings)  # the worker, restarted

    stopped, again = current(), PackExport.objects.get(pk=again.pk)
    assert stopped.status == PackExport.Status.FAILED and stopped.error == STOPPED
    assert stopped.finished_at is not None and not stopped.files.exists()
    assert again.status == PackExport.Status.DONE, again.error
    assert again.files.count() == 3


def in_progress(export, *, heard_seconds_ago: float):
    """The export as its worker left it, last heard of some seconds ago."""
    from django.utils import timezone

    PackExport.objects.filter(pk=export.pk).update(
        status=PackExport.Status.RUNNING,
        stage=PRINTING,
        steps_done=1,
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=heard_seconds_ago),
    )


def test_an_export_not_heard_of_shows_as_stopped_and_is_marked_failed_later(
    client, secretary, settings
):
    settings.PACK_EXPORT_STALE_AFTER_SECONDS = 120
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    stopped, slow, waiting = (
        request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition) for _ in range(3)
    )
    in_progress(stopped, heard_seconds_ago=121)
    in_progress(slow, heard_seconds_ago=60)
    client.force_login(secretary)

    def status(export):
        return client.get(reverse("reporting:pack_export_status", args=[MONTH, export.pk])).json()

    assert status(stopped) | {"steps_done": 1} == {
        "status": "stopped",
        "status_label": "Stopped",
        "stage": STOPPED,
        "steps_done": 1,
        "steps_total": 4,
        "finished": True,
    }
    assert status(slow)["status"] == "running" and status(slow)["finished"] is False
    assert status(waiting)["status"] == "queued" and status(waiting)["finished"] is False
    ipr_page = client.get(f"{reverse('reporting:ipr', args=[MONTH])}?revision=1")
    assert ipr_page.content.count(b"Stopped") == 1
    assert PackExport.objects.get(pk=stopped.pk).status == PackExport.Status.RUNNING

    out = io.StringIO()
    call_command("recover_exports", stdout=out)
    assert "1 stopped export(s) marked failed." in out.getvalue()
    marked = {export.pk: export for export in PackExport.objects.all()}
    assert marked[stopped.pk].status == PackExport.Status.FAILED
    assert marked[stopped.pk].error == STOPPED and marked[stopped.pk].finished_at
    assert marked[slow.pk].status == PackExport.Status.RUNNING
    assert marked[waiting.pk].status == PackExport.Status.QUEUED
    assert status(stopped)["status"] == "failed" and status(stopped)["stage"] == "Stopped"


def test_a_worker_that_finishes_after_its_export_was_marked_stopped_keeps_nothing(
    secretary, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker that was only slow (its machine paused past the limit) must not
    turn a failed export back into a finished one."""
    from reporting.actions import pack_exports
    from reporting.exports import Rendered

    def render_while_swept(pack, file_format, progress=None):
        PackExport.objects.update(status=PackExport.Status.FAILED, error=STOPPED)
        return Rendered(b"made")

    monkeypatch.setattr(pack_exports, "render", render_while_swept)
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    assert export.status == PackExport.Status.FAILED and export.error == STOPPED
    assert not PackFile.objects.exists()
    assert not [path for path in (settings.MEDIA_ROOT / "packs").rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("timeout", "The PDF printer took longer than the 5 minutes allowed and was stopped."),
        ("crash", "The PDF printer stopped before finishing. Try again;"),
        ("decimal", "Something went wrong while making the pack. Try again;"),
    ],
)
def test_a_printer_fault_is_told_in_plain_words(
    client, secretary, monkeypatch, django_capture_on_commit_callbacks, caplog, failure, message
):
    import decimal

    from playwright.sync_api import Error, TimeoutError

    from reporting.exports import pdf

    faults = {
        "timeout": TimeoutError("Timeout 300000ms exceeded waiting for selector"),
        "crash": Error("Target page, context or browser has been closed"),
        "decimal": decimal.InvalidOperation([decimal.InvalidOperation]),
    }

    def fail(*args, **kwargs):
        raise faults[failure]

    monkeypatch.setattr(pdf, "_print_numbered", fail)
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = export_and_run(secretary, edition, django_capture_on_commit_callbacks)
    assert export.status == PackExport.Status.FAILED
    assert export.error.startswith(message)
    assert "tell the portal's administrator" in export.error
    client.force_login(secretary)
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk])).content
    for technical in (b"Timeout 300000ms", b"Target page", b"InvalidOperation", b"Error"):
        assert technical not in page
    assert type(faults[failure]).__name__ in caplog.text  # for the administrator


@pytest.mark.parametrize(
    ("role", "may_retry"),
    [
        (Role.BOARD_SECRETARY, True),
        (Role.TRUST_ADMINISTRATOR, True),
        (Role.EXECUTIVE, False),
        (Role.VIEWER, False),
    ],
    ids=lambda value: getattr(value, "value", str(value)),
)
def test_only_secretaries_and_administrators_try_a_failed_export_again(
    client, users_by_role, secretary, role, may_retry
):
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    in_progress(export, heard_seconds_ago=10_000)
    client.force_login(users_by_role[role])
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk]))
    assert STOPPED.encode() in page.content
    assert (b'type="submit">Try again' in page.content) is may_retry
    retried = client.post(reverse("reporting:export_pack", args=[MONTH]), {"revision": "1"})
    assert retried.status_code == (302 if may_retry else 403)
    assert PackExport.objects.filter(edition=edition).count() == (2 if may_retry else 1)


def test_an_export_no_worker_takes_says_the_worker_may_not_be_running(client, secretary):
    """With no worker running (or one killed just as it took the task) an export
    waits; after the staleness limit its page says why it may be waiting, and keeps
    following it, since a worker that starts will still make it."""
    from django.utils import timezone

    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    client.force_login(secretary)
    url = reverse("reporting:pack_export_status", args=[MONTH, export.pk])
    assert "may not be running" not in client.get(url).json()["stage"]
    PackExport.objects.filter(pk=export.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    status = client.get(url).json()
    assert status["stage"] == (
        "Waiting for the worker to start. No worker has taken it after 10 minutes: the "
        "background worker may not be running, so tell the portal's administrator"
    )
    assert status["finished"] is False and status["status"] == "queued"
    page = client.get(reverse("reporting:pack_export", args=[MONTH, export.pk])).content.decode()
    assert "the background worker may not be running" in page
