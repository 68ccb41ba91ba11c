"""The bounded load test's simulated people (`make load-test`; docs/operations.md,
"Proven under load"). Run by scripts/load_test.sh against the production server;
not collected by pytest.

- Executives read the dashboard, a directorate's page, an objective's page, an
  OKR for a unit and the IPR.
- Directorate leads open what they owe and their entry page, save a value or two
  (optimistic locking: "changed while you were editing" is a correct answer,
  counted as a conflict, not an error) and now and then upload a small CSV.
- Board secretaries open the month close, tracking and the IPR, now and then
  publish the month, and rarely export the Board pack (PDF printing takes seconds).

Every browser logs in through the login page (CSRF), fetches each static file once
(its cache keeps it) and plays the Trust's TLS proxy: X-Forwarded-Proto: https on
every request, so the production settings stay as deployed, and the portal's
Secure cookies are sent over the plain hop to gunicorn.

Each value saved carries a comment with a token of its own; the tokens of the
saves that got a success answer are written to LOAD_WRITES_FILE, and
`manage.py check_load_writes` then finds each in the audit history exactly once.
The figures (requests per second; p50, p95 and p99 for page views, writes and
logins separately; errors; outcomes) go to LOAD_SUMMARY_FILE and the console.
"""

import csv
import html
import io
import itertools
import json
import math
import os
import random
import re
import resource
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-demo")
# As many accounts as scripts/load_test.sh made (manage.py load_test_users).
ACCOUNTS = {
    "exec": int(os.environ.get("LOAD_EXECUTIVES", "60")),
    "lead": int(os.environ.get("LOAD_LEADS", "32")),
    "secretary": int(os.environ.get("LOAD_SECRETARIES", "8")),
}
# Think time between one action and the next, in seconds: a busy person (one
# reading a report for real takes minutes). LOAD_WAIT_MIN=1 LOAD_WAIT_MAX=5 stresses it.
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "3")), float(os.environ.get("LOAD_WAIT_MAX", "10")))
# Publishing at most once in this many seconds, across all secretaries; at most this
# many pack exports in a run (each prints a PDF with Chromium for several seconds).
PUBLISH_EVERY = float(os.environ.get("LOAD_PUBLISH_EVERY", "30"))
MAX_EXPORTS = int(os.environ.get("LOAD_MAX_EXPORTS", "2"))
# As datasets/load_test.py finds them.
COMMENT_PREFIX = "Load test write "
NOTE_PREFIX = "Load test publish "

_accounts = {role: itertools.count() for role in ACCOUNTS}
# Response times by category ("page", "write", "login", "static", "poll"), for the
# whole run and for the steady state once every user has logged in.
_samples: dict[str, list[float]] = defaultdict(list)
_steady: dict[str, list[float]] = defaultdict(list)
_failures: Counter = Counter()
_outcomes: Counter = Counter()
_acknowledged: list[dict] = []
_clock = {
    "first": None,
    "last": None,
    "logged_in": 0,
    "steady": None,
    "published_at": 0.0,
    "exports": 0,
}

INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
ERROR = re.compile(r'class="nhsuk-error-message"[^>]*>(.*?)</span>\s*(.*?)<', re.S)


def _category(name: str) -> str:
    return name.split(":", 1)[0]


@events.request.add_listener
def _record(name, response_time, exception, **kwargs) -> None:
    now = time.time()
    _clock["first"] = _clock["first"] or now
    _clock["last"] = now
    _samples[_category(name)].append(response_time)
    if _clock["steady"] is not None:
        _steady[_category(name)].append(response_time)
    if exception:
        _failures[_category(name)] += 1


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _figures(samples: dict[str, list[float]], seconds: float) -> dict:
    return {
        category: {
            "requests": len(values),
            "per_second": round(len(values) / seconds, 2),
            "p50_ms": round(_percentile(values, 0.50)),
            "p95_ms": round(_percentile(values, 0.95)),
            "p99_ms": round(_percentile(values, 0.99)),
            "max_ms": round(max(values)),
        }
        for category, values in sorted(samples.items())
    }


def summary(environment) -> dict:
    last = _clock["last"] or time.time()
    seconds = max(last - (_clock["first"] or last), 1e-9)
    steady_seconds = max(last - (_clock["steady"] or last), 1e-9)
    total = sum(len(values) for values in _samples.values())
    steady = sum(len(values) for values in _steady.values())
    options = environment.parsed_options
    return {
        "users": options.num_users if options else None,
        "think_time_s": list(WAIT),
        "seconds": round(seconds, 1),
        "requests": total,
        "requests_per_second": round(total / seconds, 1),
        "errors": sum(_failures.values()),
        "errors_by_category": dict(_failures),
        "categories": _figures(_samples, seconds),
        "steady_seconds": round(steady_seconds, 1),
        "steady_requests_per_second": round(steady / steady_seconds, 1),
        "steady_categories": _figures(_steady, steady_seconds),
        "outcomes": dict(sorted(_outcomes.items())),
        "acknowledged_writes": sum(len(item.get("comments", [])) for item in _acknowledged),
        # Locust's own CPU: it shares the machine with the server it measures.
        "client_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
    }


@events.quitting.add_listener
def _write_results(environment, **kwargs) -> None:
    figures = summary(environment)
    if path := os.environ.get("LOAD_WRITES_FILE"):
        with open(path, "w", encoding="utf-8") as out:
            for item in _acknowledged:
                out.write(json.dumps(item) + "\n")
    if path := os.environ.get("LOAD_SUMMARY_FILE"):
        with open(path, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    print(
        f"\nLoad test: {figures['users']} users, think time {WAIT[0]:g}-{WAIT[1]:g} s, "
        f"{figures['seconds']} s, {figures['requests']} requests, "
        f"{figures['requests_per_second']} a second, {figures['errors']} errors"
    )
    for title, key, rate in (
        ("Whole run (logins included)", "categories", "requests_per_second"),
        (
            f"After every user had logged in ({figures['steady_seconds']} s)",
            "steady_categories",
            "steady_requests_per_second",
        ),
    ):
        print(f"  {title}: {figures[rate]} requests a second")
        for category, row in figures[key].items():
            print(
                f"    {category:<7} {row['requests']:>6} requests  p50 {row['p50_ms']:>6} ms  "
                f"p95 {row['p95_ms']:>6} ms  p99 {row['p99_ms']:>6} ms  max {row['max_ms']:>6} ms"
            )
    print("  Outcomes: " + ", ".join(f"{k} {v}" for k, v in figures["outcomes"].items()))
    print(f"  Locust's own CPU: {figures['client_cpu_s']} s")


def form_fields(page: str) -> dict[str, str]:
    """The named inputs and text areas of a page, as a browser would send them
    (checkboxes left unticked, buttons left out)."""
    fields = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        kind = attributes.get("type", "text")
        if "name" in attributes and kind not in ("checkbox", "radio", "submit", "file"):
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    for name, text in TEXTAREA.findall(page):
        # A browser drops the line feed that follows the opening tag.
        fields[name] = html.unescape(text.removeprefix("\n"))
    return fields


def first_error(page: str) -> str:
    found = ERROR.search(page)
    return " ".join(html.unescape(found.group(2)).split())[:160] if found else "no message"


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    role = ""

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = f"https://{urlsplit(self.host).netloc}"
        self.cached: set[str] = set()
        number = next(_accounts[self.role]) % ACCOUNTS[self.role] + 1
        self.username = f"load-{self.role}-{number:03}"
        self.log_in()

    def log_in(self) -> None:
        page = self.page("/accounts/login/", "login page")
        response = self.post(
            "/accounts/login/",
            "login: log in",
            {
                "csrfmiddlewaretoken": form_fields(page).get("csrfmiddlewaretoken", ""),
                "username": self.username,
                "password": PASSWORD,
            },
        )
        if response is None or "sessionid" not in self.client.cookies:
            raise StopUser(f"{self.username} could not log in")  # counted as an error
        _clock["logged_in"] += 1
        if _clock["logged_in"] >= self.environment.parsed_options.num_users:
            _clock["steady"] = _clock["steady"] or time.time()

    def send_cookies_over_the_proxy(self) -> None:
        """The portal's cookies are Secure: in a deployment the TLS proxy in front
        carries them over HTTPS. Here the client plays that proxy, so it sends them
        over the plain hop to gunicorn (requests would not send a Secure cookie
        to an http:// address)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str) -> str:
        """A page view (redirects followed), then the static files a browser without
        them would fetch."""
        self.send_cookies_over_the_proxy()
        with self.client.get(path, name=f"page: {name}", catch_response=True) as response:
            landed = urlsplit(response.url).path
            if response.status_code != 200 or 'id="maincontent"' not in response.text:
                response.failure(f"{response.status_code} from {path}")
                return ""
            if landed == "/accounts/login/" and not path.startswith(landed):
                response.failure(f"{path} sent {self.username} to the login page")
                return ""
            response.success()
            text = response.text
        for static in STATIC.findall(text):
            if static not in self.cached:
                self.cached.add(static)
                self.client.get(static, name="static: file")
        return text

    def post(self, path, name, data, *, files=None, on_200=None):
        """A form posted as a browser posts it (Origin and Referer, no redirect
        followed). `on_200` decides a 200 (a form shown again): True for a correct
        answer (e.g. a conflict), else the reason it failed."""
        headers = {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
        self.send_cookies_over_the_proxy()
        with self.client.post(
            path,
            data=data,
            files=files,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
                return response
            if response.status_code == 200 and on_200 is not None:
                verdict = on_200(response.text)
                if verdict is True:
                    response.success()
                    return response
                response.failure(verdict)
                return None
            response.failure(f"{response.status_code} from {path}")
            return None

    @staticmethod
    def location(response) -> str:
        return urlsplit(response.headers.get("Location", "")).path

    @staticmethod
    def links(page: str, pattern: str) -> list[str]:
        """The page's links to addresses of this pattern (with their query, if any)."""
        found = re.findall(rf'href="({pattern}(?:\?[^"#]*)?)"', page)
        return sorted({html.unescape(link) for link in found})


class Executive(PortalUser):
    weight = int(os.environ.get("LOAD_WEIGHT_EXECUTIVES", "30"))
    role = "exec"

    def on_start(self) -> None:
        super().on_start()
        self.dashboard()

    @task(4)
    def dashboard(self) -> None:
        page = self.page("/", "dashboard")
        self.units = self.links(page, r"/units/[\w-]+/") or ["/units/trust/"]
        self.objectives = self.links(page, r"/objectives/\d+/")
        self.cells = self.links(page, r"/okrs/[\w-]+/units/[\w-]+/")

    @task(4)
    def ipr(self) -> None:
        self.page("/ipr/", "IPR")

    @task(2)
    def unit(self) -> None:
        self.page(random.choice(self.units), "directorate")

    @task(2)
    def objective(self) -> None:
        if self.objectives:
            self.page(random.choice(self.objectives), "objective")

    @task(2)
    def okr_for_unit(self) -> None:
        if self.cells:
            self.page(random.choice(self.cells), "OKR for a unit")


class DirectorateLead(PortalUser):
    weight = int(os.environ.get("LOAD_WEIGHT_LEADS", "16"))
    role = "lead"

    def on_start(self) -> None:
        super().on_start()
        self.owed()

    @task(2)
    def owed(self) -> None:
        page = self.page("/submissions/", "my submissions")
        self.entry_pages = self.links(page, r"/submissions/[\w-]+/\d+/")

    @task(1)
    def dashboard(self) -> None:
        self.page("/", "dashboard")

    @task(1)
    def ipr(self) -> None:
        self.page("/ipr/", "IPR")

    @task(2)
    def look_at_entry(self) -> None:
        if self.entry_pages:
            self.page(random.choice(self.entry_pages), "entry")

    @task(2)
    def enter_values(self) -> None:
        if not self.entry_pages:
            return
        path = random.choice(self.entry_pages)
        page = self.page(path, "entry")
        fields = form_fields(page)
        changed = self.change_values(page, fields)
        if not changed:
            return
        time.sleep(random.uniform(2, 6))  # typing
        filled = all(
            fields.get(f"value_{pk}") or fields.get(f"numerator_{pk}")
            for pk in re.findall(r'name="version_(\d+)"', page)
        )
        fields["submit" if filled else "draft"] = "1"

        def conflict(text: str):
            if "while you were editing" in text:
                _outcomes["entry conflict"] += 1
                return True
            return f"form error: {first_error(text)}"

        response = self.post(path, "write: save values", fields, on_200=conflict)
        if response is not None and response.status_code == 302:
            _outcomes["entry saved"] += 1
            _acknowledged.append({"kind": "entry", "comments": changed})

    def change_values(self, page: str, fields: dict[str, str]) -> list[str]:
        """Give one or two OKRs a value near the last one (or keep theirs) and a
        comment with a token of its own; the tokens given."""
        keys = re.findall(r'name="version_(\d+)"', page)
        tokens = []
        for pk in random.sample(keys, min(len(keys), random.randint(1, 2))):
            hint = re.search(rf'id="okr-{pk}-hint">(.*?)</div>', page, re.S)
            last = re.search(r"Last value: ([\d,.]+)", hint.group(1)) if hint else None
            last_value = last.group(1).replace(",", "").rstrip(".") if last else ""
            if f"numerator_{pk}" in fields:
                if not fields[f"denominator_{pk}"]:
                    if not last_value:
                        continue
                    scale = re.search(rf"okr-{pk}-hint.*?denominator × ([\d,]+)", page, re.S)
                    times = int(scale.group(1).replace(",", "")) if scale else 100
                    fields[f"denominator_{pk}"] = "200"
                    fields[f"numerator_{pk}"] = str(round(float(last_value) / times * 200))
            elif f"value_{pk}" in fields and not fields[f"value_{pk}"]:
                if not last_value:
                    continue
                fields[f"value_{pk}"] = last_value
            token = f"{COMMENT_PREFIX}{uuid.uuid4().hex}"
            fields[f"comment_{pk}"] = token
            tokens.append(token)
        return tokens

    @task(1)
    def upload(self) -> None:
        """A small CSV from the unit's template: values as saved, new comments."""
        if not self.entry_pages:
            return
        upload_page = self.page("/upload/", "upload")
        template = random.choice(self.entry_pages) + "template.csv"
        self.send_cookies_over_the_proxy()
        with self.client.get(template, name="page: template CSV", catch_response=True) as got:
            if got.status_code != 200:
                got.failure(f"{got.status_code} from {template}")
                return
            rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
        saved = [row for row in rows if row["value"]]
        if not saved:
            return
        chosen = random.sample(saved, min(len(saved), random.randint(1, 2)))
        for row in chosen:
            row["comment"] = f"{COMMENT_PREFIX}{uuid.uuid4().hex}"
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(chosen)
        response = self.post(
            "/upload/",
            "write: upload CSV",
            {
                "csrfmiddlewaretoken": form_fields(upload_page).get("csrfmiddlewaretoken", ""),
                "reason": "",
            },
            files={"file": ("results.csv", out.getvalue().encode("utf-8"), "text/csv")},
            on_200=lambda text: f"upload refused: {first_error(text)}",
        )
        if response is None:
            return
        preview_path = self.location(response)
        preview = self.page(preview_path, "upload preview")
        fields = form_fields(preview)
        if "seen" not in fields:
            _outcomes["upload not confirmable"] += 1
            return

        def changed_meanwhile(text: str):
            _outcomes["upload conflict"] += 1
            return True

        confirm = {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "seen": fields["seen"],
            "confirm": "1",
        }
        response = self.post(
            preview_path, "write: confirm upload", confirm, on_200=changed_meanwhile
        )
        if response is not None and response.status_code == 302:
            _outcomes["upload saved"] += 1
            _acknowledged.append({"kind": "upload", "comments": [r["comment"] for r in chosen]})
            self.page(preview_path, "upload saved")
        elif response is not None:
            # Changed since its preview: nothing was saved; discard it, as a person would.
            discard = {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "discard": "1"}
            self.post(preview_path, "write: discard upload", discard)


class BoardSecretary(PortalUser):
    weight = int(os.environ.get("LOAD_WEIGHT_SECRETARIES", "4"))
    role = "secretary"

    def on_start(self) -> None:
        super().on_start()
        self.exports: list[str] = []

    @task(4)
    def month_close(self) -> str:
        return self.page("/ipr/close/", "month close")

    @task(2)
    def tracking(self) -> None:
        self.page("/tracking/", "tracking")

    @task(2)
    def ipr(self) -> None:
        self.page("/ipr/", "IPR")

    @task(1)
    def export_page(self) -> None:
        if self.exports:
            self.page(random.choice(self.exports), "pack export")

    @task(1)
    def publish(self) -> None:
        if time.time() - _clock["published_at"] < PUBLISH_EVERY:
            return
        _clock["published_at"] = time.time()
        page = self.month_close()
        month = re.search(r'"/ipr/(\d{4}-\d{2})/close/"', page)
        if not month:
            return
        path = f"/ipr/{month.group(1)}/close/"
        note = f"{NOTE_PREFIX}{uuid.uuid4().hex}"
        form = {
            "csrfmiddlewaretoken": form_fields(page).get("csrfmiddlewaretoken", ""),
            "confirmed": "on",
            "reason": "Load test: published with items open",
            "note": note,
        }
        response = self.post(
            path,
            "write: publish",
            form,
            on_200=lambda text: f"publish refused: {first_error(text)}",
        )
        if response is None:
            return
        target = response.headers.get("Location", "")
        if "revision=" in target:
            revision = int(re.search(r"revision=(\d+)", target).group(1))
            _outcomes["published"] += 1
            _acknowledged.append({"kind": "publish", "note": note, "revision": revision})
            edition = self.page(target, "IPR edition")
            self.export(month.group(1), edition, revision)
        else:
            _outcomes["nothing to publish"] += 1

    def export(self, month: str, page: str, revision: int) -> None:
        """The pack of the edition just published, followed to its end (rarely)."""
        if _clock["exports"] >= MAX_EXPORTS:
            return
        _clock["exports"] += 1
        form = {
            "csrfmiddlewaretoken": form_fields(page).get("csrfmiddlewaretoken", ""),
            "revision": str(revision),
        }
        response = self.post(f"/ipr/{month}/packs/", "write: export pack", form)
        if response is None:
            return
        export_path = self.location(response)
        self.exports.append(export_path)
        self.page(export_path, "pack export")
        for _ in range(90):  # the progress page polls every 2 s: 3 minutes at most
            time.sleep(2)
            self.send_cookies_over_the_proxy()
            status = self.client.get(f"{export_path}status/", name="poll: export status")
            state = status.json() if status.status_code == 200 else {}
            if state.get("finished"):
                _outcomes[f"export {state.get('status')}"] += 1
                return
        _outcomes["export unfinished"] += 1
