"""The API's documentation page (/api/v1/docs/): Swagger UI, served from the portal,
under its Content-Security-Policy, showing every operation of the OpenAPI document;
checked for accessibility at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from tests.functional.conftest import check_accessibility

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def test_a_developer_reads_the_api_documentation(page, live_server, transactional_db):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name=re.compile("^Strategy Portal API"))).to_be_visible()
    batch = page.locator("#operations-Results-results_batch_create")
    expect(batch).to_be_visible()
    batch.locator("button.opblock-summary-control").click()
    expect(page.get_by_text("all or nothing", exact=False).first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requests), [
        url for url in requests if not url.startswith(live_server.url)
    ]
    check_accessibility(page, "api-docs")
    page.set_viewport_size(PHONE)
    check_accessibility(page, "api-docs-phone")
