"""The Board pack in a real browser: a board secretary edits the cover sheet of a
published month (fixing one mistake), exports the pack, watches its progress
while the background worker prints it, and downloads the PDF; an executive finds
the same files on the report. Every page state is checked with axe-core."""

import datetime
import io
import re

import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login
from tests.worker_process import run_worker_once

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def published_september():
    from django.contrib.auth import get_user_model

    from reporting.actions import publish_ipr

    secretary = get_user_model().objects.get(username="secretary")
    publish_ipr(
        by=secretary,
        data_month=datetime.date(2020, 9, 1),
        reason="Published with items open for this example",
    )


def test_a_secretary_exports_the_board_pack_and_downloads_the_pdf(
    page: Page, live_server, published_september, tmp_path
):
    login(page, live_server, "secretary", "secretary-demo")
    page.goto(f"{live_server.url}/ipr/2020-09/?revision=1")
    panel = page.get_by_role("region", name="Board pack")
    check_accessibility(page, "board-pack-panel")
    # The two buttons sit side by side, apart.
    export_box = panel.get_by_role("button", name="Export the pack of revision 1").bounding_box()
    cover_box = panel.get_by_role("link", name="Edit the cover sheet").bounding_box()
    assert cover_box["x"] - (export_box["x"] + export_box["width"]) >= 16

    # The cover sheet: a missing title is refused and nothing else typed is lost.
    panel.get_by_role("link", name="Edit the cover sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board cover sheet")
    page.get_by_label("Reference (optional)").fill("BOD 71/2020")
    page.get_by_label("Agenda item (optional)").fill("9")
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_label("Why are you changing it? (optional)").fill("Agenda published")
    page.get_by_role("button", name="Save the cover sheet").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the paper's title")
    expect(page.get_by_label("Reference (optional)")).to_have_value("BOD 71/2020")
    check_accessibility(page, "board-pack-cover-error")
    page.get_by_label("Title", exact=True).fill("Integrated Performance Report")
    page.get_by_role("button", name="Save the cover sheet").click()
    expect(
        page.get_by_text("Cover sheet of IPR September 2020 data, revision 1 saved")
    ).to_be_visible()

    # Export: the progress page first, then the files once the worker has run.
    page.get_by_role("button", name="Export the pack of revision 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board pack")
    expect(page.get_by_test_id("pack-status")).to_contain_text("Waiting to start")
    check_accessibility(page, "board-pack-progress")
    run_worker_once()
    # The page follows the export by itself and shows the files when ready.
    expect(page.get_by_test_id("pack-status")).to_contain_text(
        "The files are ready", timeout=15_000
    )
    expect(page.get_by_role("heading", name="Files")).to_be_visible()
    # Checksums are for checking a copy: not drawn in the red of an error.
    expect(page.locator(".portal-checksums code")).not_to_have_count(0)
    expect(page.locator(".portal-checksums code").first).not_to_have_css(
        "color", "rgb(213, 40, 27)"
    )
    check_accessibility(page, "board-pack-ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    download = download_info.value
    assert download.suggested_filename == "ipr-2020-09-revision-1.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    cover = pypdf.PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text()
    assert "BOD 71/2020" in cover and "(Agenda item: 9)" in cover
    assert "Integrated Performance Report — September 2020 data — Revision 1" in cover

    page.get_by_role("link", name="Back to the report").click()
    exported = page.get_by_role("region", name="Board pack").locator("tbody tr")
    expect(exported).to_have_count(1)
    expect(exported).to_contain_text("Ready")


def test_an_executive_downloads_the_pack_the_board_received(
    page: Page, live_server, published_september
):
    from django.contrib.auth import get_user_model

    from reporting.actions import request_pack_export
    from reporting.models import IprEdition

    secretary = get_user_model().objects.get(username="secretary")
    request_pack_export(
        by=secretary, data_month=datetime.date(2020, 9, 1), edition=IprEdition.objects.get()
    )
    run_worker_once()
    login(page, live_server, "executive", "executive-demo")
    page.goto(f"{live_server.url}/ipr/2020-09/?revision=1")
    panel = page.get_by_role("region", name="Board pack")
    expect(panel.get_by_role("button", name=re.compile("Export"))).to_have_count(0)
    with page.expect_download() as download_info:
        panel.get_by_role("link", name=re.compile(r"^Excel workbook")).click()
    assert download_info.value.suggested_filename == "ipr-2020-09-revision-1.xlsx"
    check_accessibility(page, "board-pack-executive")
