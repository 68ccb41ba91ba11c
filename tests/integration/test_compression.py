"""What travels over the wire: pages and downloads gzip-compressed for browsers that
ask, reading back exactly as sent uncompressed; static files served by WhiteNoise
under content-hashed names, cached for good and precompressed at collectstatic."""

import datetime
import gzip
import re
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import periods
from reporting.actions import publish_ipr, request_pack_export
from tests.conftest import make_unit_lead, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
IPR_URL = reverse("reporting:ipr", kwargs={"month": "2020-09"})
PLOTLY = "vendor/plotly/plotly-basic.min.js"
# The per-request value in a page: the CSRF token.
PER_REQUEST = re.compile(rb'(name="csrfmiddlewaretoken" value)="[^"]*"')
ONE_YEAR = 365 * 24 * 60 * 60


def without_per_request_values(html: bytes) -> bytes:
    return PER_REQUEST.sub(rb'\1=""', html)


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


def test_a_page_comes_gzipped_to_a_browser_that_asks_and_reads_back_the_same(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    plain = client.get(IPR_URL)
    packed = client.get(IPR_URL, headers={"accept-encoding": "gzip, deflate, br"})

    assert plain.status_code == packed.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    html = gzip.decompress(packed.content)
    assert without_per_request_values(html) == without_per_request_values(plain.content)
    assert b"Integrated Performance Report" in html
    # The report's HTML is repetitive table markup: it shrinks well over fourfold.
    assert len(packed.content) * 4 < len(html)
    assert int(packed["Content-Length"]) == len(packed.content)


def test_the_chart_scripts_are_the_basic_plotly_bundle_then_the_charts_both_deferred(
    client, users_by_role
):
    client.force_login(users_by_role[Role.EXECUTIVE])
    html = client.get(IPR_URL).content.decode()
    tags = {
        tag.group("src"): tag.group(0)
        for tag in re.finditer(r'<script [^>]*\bsrc="(?P<src>[^"]+)"[^>]*>', html)
    }
    scripts = list(tags)
    plotly, charts = static(PLOTLY), static("js/charts.js")
    # Deferred scripts run in document order: plotly first, then the charts.
    assert scripts.index(plotly) < scripts.index(charts)
    for src in (plotly, charts):
        assert re.search(r"\sdefer(\s|>)", tags[src]), tags[src]


def test_a_page_has_no_inline_script_and_its_policy_allows_scripts_only_from_its_own_origin(
    client, users_by_role
):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(IPR_URL)
    html = response.content.decode()
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )

    assert policy["script-src"] == "'self'"
    # Every script is a file (a JSON data block is not run), so no page needs a nonce.
    for tag in re.finditer(r"<script\b([^>]*)>", html):
        attributes = tag.group(1)
        assert "src=" in attributes or 'type="application/json"' in attributes, tag.group(0)
    assert "nonce" not in html


def test_a_csv_download_is_gzipped_when_asked_and_is_the_same_file(client, make_user):
    lead = make_unit_lead(make_user, OrganisationalUnit.objects.get(slug="bucks-mh"))
    period = period_open_today(periods.quarter_span(2020, 3))
    client.force_login(lead)
    url = reverse(
        "okrs:upload_template", kwargs={"unit": "bucks-mh", "period": period.pk, "fmt": "csv"}
    )
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})

    assert packed["Content-Encoding"] == "gzip"
    assert packed["Content-Disposition"] == plain["Content-Disposition"]
    assert 'filename="results-bucks-mh-q3-2020-21.csv"' in packed["Content-Disposition"]
    assert gzip.decompress(packed.content) == plain.content
    assert plain.content.decode("utf-8-sig").startswith("okr_code,")


@pytest.fixture
def worker_keeps_the_test_connection(monkeypatch):
    """The worker closes database connections between tasks; inside a test's
    transaction that would end the test's (as in test_pack_export.py)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.mark.usefixtures("worker_keeps_the_test_connection")
def test_stored_pack_files_stream_gzipped_when_asked_and_are_the_stored_bytes(
    client, users_by_role, django_capture_on_commit_callbacks
):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    client.force_login(users_by_role[Role.VIEWER])

    stored_files = list(export.files.all())
    assert {stored.format for stored in stored_files} == {"pdf", "xlsx", "csv"}
    for stored in stored_files:
        url = reverse("reporting:download_pack_file", args=[stored.pk])
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and response.streaming
        assert response["Content-Encoding"] == "gzip"
        # Streamed: the compressed length is not known up front.
        assert not response.has_header("Content-Length")
        assert f'filename="{stored.filename}"' in response["Content-Disposition"]
        body = gzip.decompress(b"".join(response.streaming_content))
        assert body == stored.file.open("rb").read()


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production's static files: collected with WhiteNoise's manifest storage
    (hashed names, gzip variants), served by WhiteNoise without Django's finders."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    # A new client: WhiteNoise reads STATIC_ROOT when the middleware is built.
    return Client()


def test_plotly_is_served_under_its_hash_cached_for_good_and_compressed(collected_static):
    source = Path(finders.find(PLOTLY)).read_bytes()
    url = static(PLOTLY)
    assert re.fullmatch(r"/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]{12}\.js", url), url

    # Brotli to a browser that takes it, gzip to one that takes only that; each
    # compressed once (by collectstatic), not again by the pages' middleware.
    for accepted, encoding, decompress in (
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
    ):
        packed = collected_static.get(url, headers={"accept-encoding": accepted})
        assert packed.status_code == 200
        assert packed["Content-Encoding"] == encoding
        assert "immutable" in packed["Cache-Control"] and max_age(packed) >= ONE_YEAR
        assert packed["Vary"] == "Accept-Encoding"
        wire = b"".join(packed.streaming_content)
        assert decompress(wire) == source
        assert len(wire) * 2 < len(source)

    plain = collected_static.get(url)
    assert not plain.has_header("Content-Encoding")
    assert b"".join(plain.streaming_content) == source

    # The unhashed name may change content on the next release: a short cache only.
    unhashed = collected_static.get(f"/static/{PLOTLY}")
    assert unhashed.status_code == 200 and "immutable" not in unhashed["Cache-Control"]
    assert max_age(unhashed) < ONE_YEAR


def test_static_files_that_do_not_compress_are_sent_as_they_are(collected_static):
    name = "vendor/nhsuk/assets/images/nhsuk-icon-192.png"
    response = collected_static.get(static(name), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == Path(finders.find(name)).read_bytes()
