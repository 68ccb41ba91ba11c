"""Browser-test fixtures: a real Chromium driven by Playwright against live_server.

Chromium is Debian's (or whatever CHROMIUM points at); nothing is ever downloaded.
A missing browser is a failure, not a skip, so CI cannot go green without running
these tests. Accessibility is checked with axe-core from node_modules.
"""

import json
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse ORM calls made from fixtures and tests while that loop is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from reporting.exports.pdf import chromium_flags  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = PROJECT_DIR / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def _chromium_executable() -> str:
    """The Chromium the product prints with ($CHROMIUM, else chromium or
    chromium-browser on PATH). Fails the test (never skips it) when there is none."""
    from reporting.exports.pdf import PdfPrintingUnavailable, chromium_executable

    try:
        return chromium_executable()
    except PdfPrintingUnavailable as error:
        pytest.fail(f"{error} Do not run 'playwright install' here.", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_executable()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=chromium_flags(), headless=True
            )
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {executable} would not start: {error}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test. JavaScript errors and
    Content-Security-Policy violations seen on any page fail the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"Console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def seeded_site(transactional_db):
    """The Trust's seeded strategy plus the demo users and demo results.

    live_server runs on the transactional database, which is flushed after every
    test, so the data is loaded per test."""
    from datasets.demo import load_demo
    from datasets.seeding import load_seeds

    load_seeds()
    load_demo()


def login(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the real form and wait until the portal has let us in."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in", exact=True).click()
    # The header's button (the no-access page has a second one in its text).
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("button", name="Log out")).to_be_visible()


def _axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run 'make node' (npm ci).", pytrace=False)
    return AXE_PATH.read_text(encoding="utf-8")


def check_accessibility(page: Page, name: str) -> None:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png, then run
    axe-core on the page and fail on any serious or critical WCAG 2.2 AA violation."""
    page.wait_for_load_state("load")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    # Evaluated through the DevTools protocol: a <script> tag would be (rightly)
    # blocked by the Content-Security-Policy.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    outcome = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return {
                passes: results.passes.length,
                violations: results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    targets: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
                })),
            };
        }""",
        AXE_TAGS,
    )
    # A run that checked nothing would pass anything: make sure axe really looked.
    assert outcome["passes"] > 0, f"axe-core checked nothing on '{name}'"
    results = outcome["violations"]
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    for violation in results:
        if violation["impact"] not in BLOCKING_IMPACTS:
            print(f"[axe, {name}] {violation['impact']}: {violation['id']} – {violation['help']}")
    if blocking:
        lines = [f"axe-core found {len(blocking)} serious/critical violation(s) on '{name}':"]
        for violation in blocking:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                f"<{violation['helpUrl']}>"
            )
            for node in violation["targets"]:
                lines.append(f"    {json.dumps(node['target'])}")
                if node["summary"]:
                    lines.append("      " + node["summary"].replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)


def open_from_menu(page: Page, name: str) -> None:
    """Click a menu item as a person would: the NHS.UK header moves the items that
    do not fit (an administrator's menu is long) under "More", so open it first."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name="More").click()
    link.click()
