"""The pages that say no, in a real browser: a locked-out login, a month outside
the report's range, a month a viewer may not read yet, and a Board pack export
whose worker stopped (with its 'Try again'). Each is read at desktop and phone
widths and checked with axe-core (WCAG 2.2 AA)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.functional.conftest import check_accessibility, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("seeded_site"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}


def check_at_both_widths(page: Page, name: str) -> None:
    check_accessibility(page, name)
    page.set_viewport_size(PHONE)
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_repeated_wrong_passwords_lock_the_account_with_a_plain_page(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.fill("#id_username", "lead")
        page.fill("#id_password", "not the password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to log in")
    expect(page.locator("main")).to_contain_text("Logging in is paused for 15 minutes")
    check_at_both_widths(page, "login-locked-out")
    # The right password does not get in while the lock lasts.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", "lead-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_month_outside_the_report_is_not_found_and_says_why(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    response = page.goto(f"{live_server.url}/ipr/1900-01/")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("outside the months the portal reports on")
    check_at_both_widths(page, "ipr-month-out-of-range")


def test_a_viewer_is_told_a_month_is_not_published_yet(page: Page, live_server):
    login(page, live_server, "viewer", "viewer-demo")
    response = page.goto(f"{live_server.url}/ipr/2020-09/")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("not")
    expect(page.locator("main")).to_contain_text("published")
    check_at_both_widths(page, "ipr-not-published-for-viewer")


def test_a_stopped_export_says_so_and_can_be_tried_again(page: Page, live_server):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reporting.actions import publish_ipr, request_pack_export
    from reporting.models import PackExport

    # Database work first: an export whose worker was killed while printing, last
    # heard of ten minutes ago (no worker runs in this test).
    secretary = get_user_model().objects.get(username="secretary")
    edition = publish_ipr(
        by=secretary,
        data_month=datetime.date(2020, 9, 1),
        reason="Published with items open for this example",
    )
    export = request_pack_export(by=secretary, data_month=edition.data_month, edition=edition)
    PackExport.objects.filter(pk=export.pk).update(
        status=PackExport.Status.RUNNING,
        stage="Printing the PDF",
        steps_done=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    url = reverse("reporting:pack_export", kwargs={"month": "2020-09", "pk": export.pk})

    login(page, live_server, "secretary", "secretary-demo")
    page.goto(f"{live_server.url}{url}")
    expect(page.get_by_test_id("pack-status")).to_contain_text("Stopped")
    expect(page.get_by_role("alert")).to_contain_text(
        "The export stopped before finishing (the background worker was interrupted). Try again."
    )
    check_at_both_widths(page, "pack-export-stopped")

    page.get_by_role("button", name=re.compile("^Try again")).click()
    expect(page).not_to_have_url(re.compile(rf"/packs/{export.pk}/$"))
    expect(page.get_by_test_id("pack-status")).to_contain_text("Waiting")
    check_accessibility(page, "pack-export-tried-again")
