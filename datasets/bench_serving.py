"""Timing a page against a static file of the same size, both served by the
production server (gunicorn with WhiteNoise), for `bench_ipr --serve`.

A published edition never changes, so it should cost about what a file costs to
serve: this starts gunicorn on the benchmark's database, copies the page's bytes
into a static file, and times both under the same concurrent load.
"""

import concurrent.futures
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

STATIC_NAME = "bench-edition-copy.html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict) -> tuple[int, float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        tick = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - tick, len(body)
    finally:
        connection.close()


def _timed(port: int, path: str, headers: dict, *, requests: int, clients: int) -> dict:
    for _ in range(5):  # warm the workers (imports, first queries, caches)
        _get(port, path, headers)
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda _: _get(port, path, headers), range(requests)))
    statuses = {status for status, _, _ in answers}
    if statuses != {200}:
        raise RuntimeError(f"{path} answered {sorted(statuses)}")
    times = sorted(seconds for _, seconds, _ in answers)
    return {
        "p50": statistics.median(times),
        "p90": times[int(len(times) * 0.9) - 1],
        "bytes": answers[0][2],
    }


def page_against_static_file(
    page: str, body: bytes, *, cookies: dict[str, str], requests: int = 200, clients: int = 4
) -> dict:
    """p50 and p90 seconds for `page` (with a browser's `cookies`: its session and
    CSRF cookie) and for a static file holding `body`, each fetched `requests` times
    by `clients` at once, with gzip accepted, from gunicorn with 2 workers."""
    with tempfile.TemporaryDirectory() as directory:
        static_root = Path(directory)
        (static_root / STATIC_NAME).write_bytes(body)
        port = _free_port()
        env = {**os.environ, "DJANGO_STATIC_ROOT": str(static_root), "DJANGO_DEBUG": "false"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "strategy_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        try:
            static_path = f"/{settings.STATIC_URL.strip('/')}/{STATIC_NAME}"
            _wait_until_serving(port, static_path, server)
            headers = {"Accept-Encoding": "gzip", "Host": "localhost"}
            static = _timed(port, static_path, headers, requests=requests, clients=clients)
            cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
            page_headers = headers | {"Cookie": cookie}
            served = _timed(port, page, page_headers, requests=requests, clients=clients)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"page": served, "static": static, "requests": requests, "clients": clients}


def _wait_until_serving(port: int, path: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before serving")
        try:
            if _get(port, path, {"Host": "localhost"})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving within 30 seconds")
