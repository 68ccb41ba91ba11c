"""Benchmark the IPR: assemble and render it for a synthetic trust at 1× and 10×
the size of the seeded strategy, with 60 months of history, in a separate
database (a temporary SQLite file unless --database-url names another), and
print the median times and query counts."""

import argparse
import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from reporting.benchmarks import build_synthetic_trust, run_in_fresh_database


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument("--repeats", type=int, default=5)
        parser.add_argument("--scales", default="1,10", help="Comma-separated multiples.")
        parser.add_argument(
            "--database-url",
            help="A database URL for the benchmark (default: a new temporary SQLite file).",
        )
        # Internal: run one scale inside the benchmark database.
        parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["scale"]:
            self._measure(options["scale"], options["months"], options["repeats"])
            return
        for scale in [int(part) for part in options["scales"].split(",")]:
            run_in_fresh_database(
                ["bench_ipr", "--scale", str(scale), "--months", str(options["months"])]
                + ["--repeats", str(options["repeats"])],
                database_url=options["database_url"],
                what=f"The {scale}× benchmark",
            )

    def _measure(self, scale: int, months: int, repeats: int) -> None:
        import warnings

        # WhiteNoise notes the static root is not collected; the benchmark needs none.
        warnings.filterwarnings("ignore", message="No directory at")
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from reporting.ipr import assemble_ipr

        started = time.perf_counter()
        shape, last_month = build_synthetic_trust(scale, months)
        built = time.perf_counter() - started
        assemble_times = []
        for _ in range(repeats):
            tick = time.perf_counter()
            report = assemble_ipr(last_month)
            assemble_times.append(time.perf_counter() - tick)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as assembled:
            assemble_ipr(last_month)

        user = get_user_model().objects.get(username="bench-executive")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = f"/ipr/{last_month:%Y-%m}/"
        page_times = []
        for _ in range(repeats):
            tick = time.perf_counter()
            response = client.get(url)
            page_times.append(time.perf_counter() - tick)
            if response.status_code != 200:
                raise CommandError(f"The IPR page answered {response.status_code}.")
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as rendered:
            client.get(url)
        cells = sum(len(okr.cells) for objective in report.objectives for okr in objective.okrs)
        assemble = statistics.median(assemble_times)
        page = statistics.median(page_times)
        self.stdout.write(
            f"{scale}×: {shape['objectives']} objectives, {shape['focus_areas']} focus areas, "
            f"{shape['okrs']} OKRs, {shape['units']} units, {months} months, "
            f"{shape['results']} results (built in {built:.1f} s)\n"
            f"    assemble IPR: median {assemble * 1000:.0f} ms over {repeats} runs "
            f"({len(assembled)} queries, {cells} OKR × unit cells)\n"
            f"    render page:  median {page * 1000:.0f} ms for the whole request, "
            f"{max(page - assemble, 0) * 1000:.0f} ms beyond assembly "
            f"({len(rendered)} queries, {len(response.content) // 1024} KiB)"
        )
