"""Benchmark the IPR: assemble and render it for a synthetic trust at 1× and 10×
the size of the seeded strategy, with 60 months of history, in a separate
database (a temporary SQLite file unless --database-url names another), and
print the median times and query counts: for the first reader after a change
(one value corrected), once the background worker has prepared the report and
with no worker (the reader assembles it; the other series' SPC is remembered),
for the first reader after a restart (the process has kept nothing of its own)
and for the readers after (the report kept under the data version), with 60 and
with 12 months of history, and for a published edition; with --serve, the
edition served by gunicorn against a static file of its size."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from datasets.benchmarks import (
    build_and_describe,
    correct_one_value,
    nothing_kept,
    prepared_after,
    restart,
    run_in_fresh_database,
)
from datasets.benchmarks import timed as timed_runs


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
        parser.add_argument(
            "--serve",
            action="store_true",
            help="Also time the published edition against a static file of the same size, "
            "both served by gunicorn.",
        )
        # Internal: run one scale inside the benchmark database.
        parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["scale"]:
            self._measure(options["scale"], options["months"], options["repeats"], options["serve"])
            return
        for scale in [int(part) for part in options["scales"].split(",")]:
            run_in_fresh_database(
                ["bench_ipr", "--scale", str(scale), "--months", str(options["months"])]
                + ["--repeats", str(options["repeats"])]
                + (["--serve"] if options["serve"] else []),
                database_url=options["database_url"],
                what=f"The {scale}× benchmark",
            )

    def _measure(self, scale: int, months: int, repeats: int, serve: bool) -> None:
        import warnings

        # WhiteNoise notes the static root is not collected; the benchmark needs none.
        warnings.filterwarnings("ignore", message="No directory at")
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.test import Client

        from objectives.roles import Role, group_name
        from okrs import periods
        from reporting.actions import publish_ipr
        from reporting.ipr import assemble_ipr

        _, last_month = build_and_describe(scale, months, self.stdout.write)

        change = correct_one_value()
        change_then_worker, _ = prepared_after(change)

        def timed(action, *, before=None):
            return timed_runs(action, repeats=repeats, before=before)

        def assemble():
            return assemble_ipr(last_month, with_history=False)

        assemble()
        changed, assemble_queries, report = timed(assemble, before=change)
        cold, _, _ = timed(assemble, before=nothing_kept)
        cells = sum(len(okr.cells) for objective in report.objectives for okr in objective.okrs)
        self.stdout.write(
            f"    assemble IPR ({cells} OKR × unit cells, {assemble_queries} queries): median "
            f"{changed * 1000:.0f} ms after a change, {cold * 1000:.0f} ms with nothing kept"
        )

        # The reader is a person holding roles, as real users are.
        user = get_user_model().objects.get(username="bench-executive")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        def page(month):
            response = client.get(f"/ipr/{month:%Y-%m}/")
            if response.status_code != 200:
                raise CommandError(f"The IPR page answered {response.status_code}.")
            return response

        # The month with 12 months of history: the same data, read from earlier on.
        year_in = None
        if months > 12:
            span = periods.span_containing(periods.MONTHLY, last_month)
            for _ in range(months - 12):
                span = periods.previous_span(span)
            year_in = span.starts_on
        ratios = {}
        for label, month in [(f"{months} months", last_month), ("12 months", year_in)]:
            if month is None:
                continue
            figures = {}
            if month == last_month:
                # The worker prepares the latest month (the one pages open on) only.
                figures["after a change"] = timed(
                    lambda month=month: page(month), before=change_then_worker
                )
            figures |= {
                "after a change, no worker": timed(lambda month=month: page(month), before=change),
                "after a restart": timed(lambda month=month: page(month), before=restart),
                "repeat": timed(lambda month=month: page(month)),
            }
            ratios[label] = {name: seconds for name, (seconds, _, _) in figures.items()}
            size = len(figures["repeat"][2].content) // 1024
            self.stdout.write(
                f"    IPR page, draft, {label} of history ({size} KiB): median "
                + ", ".join(
                    f"{seconds * 1000:.0f} ms {name} ({queries} queries)"
                    for name, (seconds, queries, _) in figures.items()
                )
            )
        if year_in is not None:
            longer, shorter = ratios[f"{months} months"], ratios["12 months"]
            self.stdout.write(
                f"    {months} vs 12 months of history: "
                + ", ".join(
                    f"{longer[name] / seconds:.2f}× {name}" for name, seconds in shorter.items()
                )
            )

        secretary = get_user_model().objects.create_user("bench-secretary", password="unused")
        secretary.groups.add(Group.objects.get(name=group_name(Role.BOARD_SECRETARY)))
        publish_ipr(
            by=secretary, data_month=last_month, reason="Published with items open for this example"
        )
        cold, cold_queries, _ = timed(lambda: page(last_month), before=nothing_kept)
        warm, warm_queries, response = timed(lambda: page(last_month))
        self.stdout.write(
            f"    IPR page, published edition: median {cold * 1000:.0f} ms for its first reader "
            f"({cold_queries} queries), {warm * 1000:.0f} ms after ({warm_queries} queries)"
        )
        if serve:
            from datasets.bench_serving import page_against_static_file

            served = page_against_static_file(
                f"/ipr/{last_month:%Y-%m}/",
                response.content,
                # What a browser sends back: the session and the CSRF cookie.
                cookies={name: morsel.value for name, morsel in client.cookies.items()},
            )
            page_p50, static_p50 = served["page"]["p50"], served["static"]["p50"]
            self.stdout.write(
                f"    served by gunicorn ({served['clients']} clients at once, "
                f"{served['requests']} requests each, gzip accepted): published edition "
                f"p50 {page_p50 * 1000:.1f} ms (p90 {served['page']['p90'] * 1000:.1f} ms, "
                f"{served['page']['bytes'] // 1024} KiB sent); a static file of the same size "
                f"p50 {static_p50 * 1000:.1f} ms (p90 {served['static']['p90'] * 1000:.1f} ms, "
                f"{served['static']['bytes'] // 1024} KiB sent): {page_p50 / static_p50:.1f}×"
            )
