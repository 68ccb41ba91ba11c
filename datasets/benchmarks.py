"""What the benchmark commands share: running a measurement in a database of its
own, and building a synthetic trust of a chosen size through the actions."""

import datetime
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

# The seeded strategy: 4 objectives, 39 key focus areas, 10 OKRs, 5 units today.
SEEDED_SHAPE = {"objectives": 4, "focus_areas": 39, "okrs": 10}


def run_in_fresh_database(
    arguments: list[str], *, database_url: str | None, what: str, prepare: list[list[str]] = ()
) -> None:
    """Run `manage.py <arguments>` against a new, migrated database (a temporary
    SQLite file unless `database_url` names another), after the `prepare` commands."""
    with tempfile.TemporaryDirectory() as directory:
        url = database_url or f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        # DEBUG off: no query logging or debug templates in the figures.
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_ENV": "development",
            "DJANGO_DEBUG": "false",
            "DJANGO_MEDIA_ROOT": str(Path(directory) / "media"),
            # The shared cache (files) of its own, as on a server of its own.
            "DJANGO_CACHE_DIR": str(Path(directory) / "cache"),
        }
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        for command in [["migrate", "--no-input", "-v0"], *prepare]:
            if subprocess.run(manage + command, env=env).returncode != 0:
                raise CommandError(f"Could not prepare the benchmark database ({command[0]}).")
        if subprocess.run(manage + arguments, env=env).returncode != 0:
            raise CommandError(f"{what} failed.")


def build_synthetic_trust(scale: int, months: int):
    """A current strategy `scale` times the seeded one's size, 5 units, and a monthly
    result for every OKR and unit over `months` months, all through the actions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from datasets.demo import generate_series
    from objectives import actions as strategy_actions
    from objectives.roles import Role, group_name
    from okrs import actions as okr_actions
    from okrs import periods
    from okrs.measures import Direction, Measure

    reason = "Benchmark data"
    # The reader is a person as real users are (a user with no person hid an N+1):
    # an executive who directs every objective and also leads a directorate.
    user = get_user_model().objects.create_user("bench-executive", password="unused")
    user.groups.add(Group.objects.get(name=group_name(Role.EXECUTIVE)))
    user.groups.add(Group.objects.get(name=group_name(Role.DIRECTORATE_LEAD)))
    person = strategy_actions.create_person(
        by=None, slug="bench-executive", full_name="Bench Executive", user=user, reason=reason
    )
    director = strategy_actions.create_executive_role(
        by=None, slug="bench-director", title="Director of Benchmarks", reason=reason
    )
    strategy_actions.assign_role(by=None, role=director, person=person, reason=reason)
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
    # Dated from its first month, so every month of its history can be reported on.
    strategy = strategy_actions.create_strategy(
        by=None,
        slug="synthetic",
        title=f"Synthetic strategy ({scale}×)",
        starts_on=spans[0].starts_on,
        reason=reason,
    )
    strategy_actions.make_strategy_current(by=None, strategy=strategy, reason=reason)
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
        strategy_actions.set_objective_leads(
            by=None, objective=objective, lead_roles=[director], reason=reason
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
                measure=Measure.PERCENTAGE,
                direction=Direction.INCREASE if okr_number % 2 else Direction.DECREASE,
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
    okr_actions.record_results_as_system(entries=entries, reason=reason)
    strategy_actions.set_units_led(by=None, person=person, units=units[1:2], reason=reason)
    shape = {
        "objectives": objective_count,
        "focus_areas": focus_total,
        "okrs": okr_total,
        "units": len(units),
        "results": len(entries),
    }
    return shape, spans[-1].starts_on


def correct_one_value():
    """A change to time a page after: one value corrected, to and fro, through
    the portal's own write path; the first month's, so that it is in the series of
    every month's report (so the report is assembled again and one series' SPC is
    worked out again)."""
    from okrs.actions import ResultEntry, record_results_as_system
    from okrs.models import Result

    corrected = Result.objects.select_related("key_result", "period", "unit").earliest(
        "period__starts_on", "pk"
    )
    values = iter(range(10**6))

    def change() -> None:
        entry = ResultEntry(
            corrected.key_result,
            corrected.period,
            corrected.unit,
            corrected.value + next(values) % 2 + 1,
        )
        record_results_as_system(entries=[entry], reason="Benchmark correction")

    return change


def restart() -> None:
    """What a restarted server process has kept: what the shared cache holds (the
    files every process and the worker use; all gone if the cache is this process's
    memory), and nothing of its own (its recent reports and remembered SPC)."""
    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache

    from reporting.ipr import forget_recent_reports
    from reporting.spc.remembered import series_spc

    if isinstance(cache, LocMemCache):
        cache.clear()
    series_spc.cache_clear()
    forget_recent_reports()


def nothing_kept() -> None:
    """What a new server with an empty cache has kept: nothing at all."""
    from django.core.cache import cache

    restart()
    cache.clear()


def prepared_after(change):
    """`change`, then what the background worker does after each change: prepare
    the reports (`reporting.ipr.prepare_reports`), in a process of its own, so the
    web process has kept none of it in its own memory: it reads the shared cache.
    Returns the steps, and the worker's part alone (to time it)."""
    from reporting.ipr import forget_recent_reports, prepare_reports

    def worker() -> None:
        prepare_reports()
        forget_recent_reports()

    def before() -> None:
        change()
        worker()

    return before, worker


def timed(action, *, repeats: int, before=None):
    """Median seconds of `action` over `repeats` runs and the queries of one more
    run, each run after `before` (a change, a restart; not timed), with the last
    run's outcome."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeats):
        if before:
            before()
        tick = time.perf_counter()
        action()
        times.append(time.perf_counter() - tick)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        outcome = action()
    return statistics.median(times), len(queries), outcome


def build_and_describe(scale: int, months: int, write) -> tuple[dict, datetime.date]:
    """`build_synthetic_trust`, then one line saying what was built and how long it
    took, through `write` (a command's `stdout.write`)."""
    import time

    started = time.perf_counter()
    shape, last_month = build_synthetic_trust(scale, months)
    built = time.perf_counter() - started
    write(
        f"{scale}×: {shape['objectives']} objectives, {shape['focus_areas']} focus areas, "
        f"{shape['okrs']} OKRs, {shape['units']} units, {months} months, "
        f"{shape['results']} results (built in {built:.1f} s)"
    )
    return shape, last_month
