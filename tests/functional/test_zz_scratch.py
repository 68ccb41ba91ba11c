import re
import pytest
from pathlib import Path
from playwright.sync_api import Page, expect
from tests.functional.conftest import login

pytestmark = [pytest.mark.usefixtures("seeded_site")]
OUT = Path("/tmp/shots")
OUT.mkdir(exist_ok=True)


def shot(page, name, full=False, clip=None):
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full, clip=clip)


def test_scratch(page: Page, live_server):
    login(page, live_server, "executive", "executive-demo")
    shot(page, "strategy-vp")
    page.locator("a.nhsuk-card__link", has_text="Quality – ").click()
    page.locator("h2", has_text="OKRs and their latest").scroll_into_view_if_needed()
    shot(page, "objective-grid")
    shot(page, "objective-vp")
    page.goto(f"{live_server.url}/okrs/quality-cccs-training/")
    page.locator("#okr-chart svg.main-svg").first.wait_for()
    page.locator("#okr-chart").scroll_into_view_if_needed()
    shot(page, "okr-chart")
    page.evaluate("window.scrollTo(0,0)")
    shot(page, "okr-vp")
    page.goto(f"{live_server.url}/units/")
    shot(page, "units-vp")
    page.goto(f"{live_server.url}/people/")
    shot(page, "people-vp")
    page.goto(f"{live_server.url}/strategies/")
    shot(page, "history-vp")
    page.goto(f"{live_server.url}/strategies/business-plan-fy18/")
    page.get_by_role("link", name=re.compile("joint endeavour with patients")).click()
    page.get_by_role("link", name="Deliver patient involvement and experience strategy").click()
    shot(page, "programmes-vp")
    page.locator(".portal-programme").scroll_into_view_if_needed()
    shot(page, "programmes-card")
    page.goto(f"{live_server.url}/strategies/business-plan-fy18/")
    page.get_by_role("link", name=re.compile("high performing and financially viable")).click()
    page.get_by_role("link", name="Deliver the Cost Improvement Programme").click()
    page.locator(".portal-programme").scroll_into_view_if_needed()
    shot(page, "cip-card")
    # mobile
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/")
    shot(page, "m-strategy")
    page.locator("a.nhsuk-card__link", has_text="Quality – ").click()
    page.locator("h2", has_text="OKRs and their latest").scroll_into_view_if_needed()
    shot(page, "m-objective-grid")
    page.goto(f"{live_server.url}/okrs/quality-cccs-training/")
    page.locator("#okr-chart svg.main-svg").first.wait_for()
    page.locator("#okr-chart").scroll_into_view_if_needed()
    shot(page, "m-okr-chart")
    page.goto(f"{live_server.url}/units/")
    shot(page, "m-units")
    sw = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    print("units mobile overflow", sw)
    for path in ["/", "/strategies/", "/people/", "/okrs/quality-cccs-training/"]:
        page.goto(f"{live_server.url}{path}")
        print(
            path,
            page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            ),
        )
