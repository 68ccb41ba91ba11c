"""Benchmark the IPR: assemble and render it for a synthetic trust at 1× and 10×
the size of the seeded strategy, with 60 months of history, in a separate
database (a temporary SQLite file unless --database-url names another), and
print the median times and query counts."""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# The seeded strategy: 4 objectives, 39 key focus areas, 10 OKRs, 5 units today.
SEEDED_SHAPE = {"objectives": 4, "focus_areas": 39, "okrs": 10}


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
            with tempfile.TemporaryDirectory() as directory:
                url = options["database_url"] or f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
                # DEBUG off: no query logging or debug templates in the figures.
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "DJANGO_ENV": "development",
                    "DJANGO_DEBUG": "false",
                }
                command = [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "bench_ipr",
                    "--scale",
                    str(scale),
                    "--months",
                    str(options["months"]),
                    "--repeats",
                    str(options["repeats"]),
                ]
                migrate = [sys.executable, command[1], "migrate", "--no-input", "-v0"]
                if subprocess.run(migrate, env=env).returncode != 0:
                    raise CommandError("Could not migrate the benchmark database.")
                if subprocess.run(command, env=env).returncode != 0:
                    raise CommandError(f"The {scale}× benchmark failed.")

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
        shape, last_month = _build_synthetic_trust(scale, months)
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


def _build_synthetic_trust(scale: int, months: int):
    """A current strategy `scale` times the seeded one's size, 5 units, and a monthly
    result for every OKR and unit over `months` months, all through the actions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from objectives import actions as strategy_actions
    from objectives.roles import Role, group_name
    from okrs import actions as okr_actions
    from okrs import periods
    from reporting.demo import generate_series

    reason = "Benchmark data"
    user = get_user_model().objects.create_user("bench-executive", password="unused")
    user.groups.add(Group.objects.get(name=group_name(Role.EXECUTIVE)))
    trust = strategy_actions.create_unit(
        by=None,
        slug="trust",
        name="Synthetic Trust",
        short_name="Trust",
        kind="trust",
        order=99,
        reason=reason,
    )
    units = [trust] + [
        strategy_actions.create_unit(
            by=None,
            slug=f"directorate-{number}",
            name=f"Directorate {number}",
            short_name=f"Directorate {number}",
            kind="directorate",
            parent=trust,
            order=number,
            reason=reason,
        )
        for number in range(1, 5)
    ]
    strategy = strategy_actions.create_strategy(
        by=None, slug="synthetic", title=f"Synthetic strategy ({scale}×)", reason=reason
    )
    strategy_actions.make_strategy_current(by=None, strategy=strategy, reason=reason)
    objective_count = SEEDED_SHAPE["objectives"] * scale
    focus_total = SEEDED_SHAPE["focus_areas"] * scale
    okr_total = SEEDED_SHAPE["okrs"] * scale
    last = periods.span_containing(periods.MONTHLY, datetime.date.today())
    spans = []
    span = last
    for _ in range(months):
        span = periods.previous_span(span)
        spans.append(span)
    spans.reverse()
    reporting_periods = [okr_actions.ensure_period(span) for span in spans]
    entries = []
    okr_number = 0
    for number in range(1, objective_count + 1):
        objective = strategy_actions.add_objective(
            by=None,
            strategy=strategy,
            number=number,
            short_name=f"Objective {number}",
            title=f"Synthetic objective {number}",
            reason=reason,
        )
        areas = focus_total // objective_count + (number <= focus_total % objective_count)
        for order in range(1, areas + 1):
            strategy_actions.add_focus_area(
                by=None,
                objective=objective,
                order=order,
                title=f"Focus area {number}.{order}",
                provenance="derived",
                reason=reason,
            )
        okrs_here = okr_total // objective_count + (number <= okr_total % objective_count)
        for _ in range(okrs_here):
            okr_number += 1
            key_result = okr_actions.create_key_result(
                by=None,
                objective=objective,
                code=f"okr-{okr_number}",
                statement=f"Synthetic OKR {okr_number}",
                status="active",
                measure="percentage",
                direction="increase" if okr_number % 2 else "decrease",
                frequency="monthly",
                tolerance=Decimal(2),
                reason=reason,
            )
            okr_actions.set_target(
                by=None,
                key_result=key_result,
                value=Decimal(80 if okr_number % 2 else 20),
                effective_from=spans[0].starts_on,
                reason=reason,
            )
            for unit in units:
                series = generate_series(
                    name=f"{key_result.code}|{unit.slug}",
                    count=months,
                    level=80 if okr_number % 2 else 20,
                    spread=3,
                    drift_per_step=0.02,
                )
                entries += [
                    okr_actions.ResultEntry(
                        key_result, period, unit, Decimal(str(round(min(max(value, 0), 100), 1)))
                    )
                    for period, value in zip(reporting_periods, series, strict=True)
                ]
    okr_actions.record_new_results_in_bulk(by=None, entries=entries, reason=reason)
    shape = {
        "objectives": objective_count,
        "focus_areas": focus_total,
        "okrs": okr_total,
        "units": len(units),
        "results": len(entries),
    }
    return shape, spans[-1].starts_on
