"""The production server's smoke test (`make smoke`, run by CI): a few requests a
person's browser would make, against gunicorn, WhiteNoise, PostgreSQL and the task
worker started as a deployment starts them (scripts/smoke_production.sh).

Standard library only, and not collected by pytest. The client plays the Trust's
TLS-terminating proxy: every request carries X-Forwarded-Proto: https, so the
production settings (HTTPS redirect, secure cookies, HSTS) stay as deployed, and
the secure cookies are sent back although the hop to gunicorn is plain HTTP.

    python tests/smoke/check_production.py URL --username NAME --password SECRET
"""

import argparse
import gzip
import html
import http.client
import json
import re
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

# WhiteNoise's hashed names: name.<12 hex digits>.ext
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
A_YEAR = 365 * 24 * 60 * 60


class Failed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)
    print(f"  ok: {message}")


class Browser:
    """Cookies, CSRF and redirects by hand, so nothing is hidden."""

    def __init__(self, base_url: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        headers: dict | None = None,
        proxy: bool = True,
    ) -> tuple[int, dict, bytes]:
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        if proxy:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        sent.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
            answer = {name.lower(): value for name, value in response.getheaders()}
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, answer, content
        finally:
            connection.close()

    def page(self, path: str) -> tuple[str, str]:
        """GET, following redirects within the site: (final path, HTML)."""
        for _ in range(5):
            status, headers, content = self.request("GET", path)
            if status in (301, 302):
                path = urllib.parse.urlsplit(headers["location"]).path
                continue
            expect(status == 200, f"GET {path} answers 200")
            return path, content.decode()
        raise Failed(f"Too many redirects from {path}")


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise Failed("No CSRF token on the page")
    return found.group(1)


def wait_until_serving(browser: Browser, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if browser.request("GET", "/accounts/login/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise Failed(f"The server did not answer within {seconds:.0f} s")


def check_production_settings(browser: Browser) -> str:
    print("Production settings")
    status, headers, _ = browser.request("GET", "/accounts/login/", proxy=False)
    expect(
        status == 301 and headers.get("location", "").startswith("https://"),
        "plain HTTP from outside the proxy is redirected to HTTPS",
    )
    status, headers, content = browser.request("GET", "/accounts/login/")
    expect(status == 200, "the login page answers 200")
    expect("max-age=" in headers.get("strict-transport-security", ""), "HSTS is sent")
    expect("secure" in headers.get("set-cookie", "").lower(), "the CSRF cookie is secure")
    status, _, content_404 = browser.request("GET", "/no-such-page/")
    expect(
        status in (302, 404) and b"Traceback" not in content_404,
        "an unknown address shows no debug page",
    )
    return content.decode()


def check_static_file(browser: Browser, path: str) -> dict:
    """A hashed static file: compressed, cached for a year and immutable."""
    expect(bool(HASHED.search(path)), f"{path} has a hashed name")
    _, plain_headers, plain = browser.request("GET", path)
    figures = {"path": path, "bytes": len(plain)}
    for encoding in ("br", "gzip"):
        status, headers, content = browser.request(
            "GET", path, headers={"Accept-Encoding": encoding}
        )
        if headers.get("content-encoding") != encoding:
            if encoding == "br":
                print("  (no Brotli copy: the brotli package is not installed)")
                continue
            raise Failed(f"{path} was not served gzipped")
        if encoding == "gzip":
            expect(gzip.decompress(content) == plain, f"{path}: gzip copy decodes to the file")
        figures[encoding] = len(content)
        cache = headers.get("cache-control", "")
        max_age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age" in cache else 0
        expect(
            status == 200 and max_age >= A_YEAR and "immutable" in cache,
            f"{path} served {encoding} ({len(content):,} of {len(plain):,} bytes), "
            f"Cache-Control: {cache}",
        )
        figures["cache_control"] = cache
    figures["uncompressed_cache_control"] = plain_headers.get("cache-control", "")
    return figures


def log_in(browser: Browser, login_page: str, username: str, password: str) -> None:
    print("Logging in")
    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        form={
            "csrfmiddlewaretoken": csrf_token(login_page),
            "username": username,
            "password": password,
        },
    )
    expect(status == 302 and "sessionid" in browser.cookies, f"{username} logs in")


def check_worker(browser: Browser, month_path: str, ipr_page: str, seconds: float) -> None:
    """Export a draft Board pack (PDF, workbook, CSV): the worker picks it up,
    prints it with Chromium and stores the files, which can then be downloaded."""
    print("The task worker")
    action = f"{month_path}packs/"
    status, headers, _ = browser.request(
        "POST", action, form={"csrfmiddlewaretoken": csrf_token(ipr_page)}
    )
    expect(status == 302, "a draft pack export is queued")
    export_path = urllib.parse.urlsplit(headers["location"]).path
    deadline = time.monotonic() + seconds
    state = {}
    while time.monotonic() < deadline:
        status, _, content = browser.request("GET", f"{export_path}status/")
        state = json.loads(content)
        if state.get("finished"):
            break
        time.sleep(1)
    expect(state.get("status") == "done", f"the worker made the pack ({state.get('status')})")
    _, page = browser.page(export_path)
    files = sorted(set(re.findall(r'href="(/ipr/files/\d+/)"', page)))
    expect(len(files) == 3, "the export lists its three files")
    for path in files:
        status, headers, content = browser.request("GET", path)
        name = headers.get("content-disposition", "")
        expect(status == 200 and len(content) > 0, f"{html.unescape(name)}: {len(content):,} bytes")


def check_api(browser: Browser, base_url: str) -> None:
    """The API answers a logged-in person with JSON and anyone else with a problem,
    and its documentation page's files come from the portal's own static files."""
    print("API")
    status, headers, content = browser.request("GET", "/api/v1/units/")
    units = json.loads(content) if status == 200 else []
    expect(
        status == 200 and any(unit["slug"] == "trust" for unit in units),
        f"GET /api/v1/units/ with a session: {len(units)} units",
    )
    status, headers, content = Browser(base_url).request("GET", "/api/v1/units/")
    expect(
        status == 401 and headers.get("content-type") == "application/problem+json",
        "without credentials: 401, a problem",
    )
    _, docs = browser.page("/api/v1/docs/")
    bundle = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+\.js)"', docs)
    expect(bundle is not None, "the documentation page loads Swagger UI from the portal")
    check_static_file(browser, bundle.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--web-log", type=Path, help="gunicorn's output, to check its log")
    parser.add_argument("--export-seconds", type=float, default=240)
    options = parser.parse_args()
    browser = Browser(options.url)
    try:
        wait_until_serving(browser)
        login_page = check_production_settings(browser)
        print("Static files (WhiteNoise)")
        css = re.search(r'href="(/static/[^"]+\.css)"', login_page).group(1)
        check_static_file(browser, css)
        log_in(browser, login_page, options.username, options.password)
        print("Pages")
        _, dashboard = browser.page("/")
        expect("How we are doing" in dashboard, "the dashboard shows the Trust’s ratings")
        month_path, ipr_page = browser.page("/ipr/")
        expect(
            "Integrated Performance Report" in ipr_page and "Traceback" not in ipr_page,
            f"the IPR opens on its latest month ({month_path})",
        )
        plotly = re.search(r'src="(/static/vendor/plotly/[^"]+)"', ipr_page).group(1)
        figures = check_static_file(browser, plotly)
        check_worker(browser, month_path, ipr_page, options.export_seconds)
        check_api(browser, options.url)
        if options.web_log:
            print("gunicorn")
            log = options.web_log.read_text(errors="replace")
            booted = len(re.findall(r"Booting worker with pid", log))
            expect(booted >= 1, f"{booted} gunicorn workers booted")
            expect(
                re.search(r'"GET /accounts/login/ HTTP/1\.1" 200 .* \d+ms', log) is not None,
                "the access log has a line per request, with its time",
            )
    except Failed as failure:
        print(f"FAILED: {failure}")
        return 1
    print(
        f"Static file {figures['path']}: {figures['bytes']:,} bytes, "
        + ", ".join(f"{e} {figures[e]:,} bytes" for e in ("br", "gzip") if e in figures)
        + f"; Cache-Control: {figures['cache_control']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
