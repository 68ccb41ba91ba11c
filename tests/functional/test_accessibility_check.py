"""The accessibility check itself: it must fail on a serious violation, or the
browser tests would pass pages nobody has checked."""

import pytest
from playwright.sync_api import Page

from tests.functional.conftest import SCREENSHOT_DIR, check_accessibility

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Check</title></head>
<body><main><h1>Check</h1>{}</main></body></html>"""


def test_a_clean_page_passes(page: Page):
    page.set_content(PAGE.format('<p>Plain text.</p><img src="data:," alt="Nothing">'))
    check_accessibility(page, "_axe-self-check-clean")
    assert (SCREENSHOT_DIR / "_axe-self-check-clean.png").exists()


def test_serious_violations_fail_with_their_rule_and_selector(page: Page):
    page.set_content(
        PAGE.format(
            '<img id="no-alt" src="data:,">'
            '<p id="faint" style="color:#ccc;background:#fff">Hard to read</p>'
        )
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessibility(page, "_axe-self-check-broken")
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert '["#no-alt"]' in message
    assert "color-contrast (serious)" in message
    assert '["#faint"]' in message
