"""Benchmark SPC: time `compute_spc` over 6,000 synthetic series of 60 monthly
values (the IPR's measures × units at trust scale), with no database, and print
the median total time and the time per series."""

import random
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand

from okrs.measures import Direction
from reporting.spc import compute_spc


def build_series(count: int, points: int, seed: int) -> list[tuple[list, dict]]:
    """Realistic inputs as the IPR hands them over: values as the database returns
    them (percentages and rates with 1 or 2 decimal places as Decimal, counts as
    whole Decimals), about half with a target, some with gaps, a few rebased."""
    rng = random.Random(seed)
    series = []
    for i in range(count):
        kind = i % 4
        if kind == 0:  # a percentage with 1 decimal place, e.g. 4-hour performance
            centre, spread, places = rng.uniform(60, 95), rng.uniform(0.5, 4), 1
        elif kind == 1:  # a count, e.g. falls per month
            centre, spread, places = rng.uniform(5, 400), rng.uniform(1, 30), 0
        elif kind == 2:  # a rate with 2 decimal places, e.g. per 1,000 bed days
            centre, spread, places = rng.uniform(1, 20), rng.uniform(0.1, 2), 2
        else:  # a percentage drifting, so trends and shifts fire
            centre, spread, places = rng.uniform(40, 80), rng.uniform(0.5, 3), 1
        drift = rng.choice((0, 0, 0.05, -0.05)) * spread
        step = Decimal(1).scaleb(-places)
        values: list = []
        for month in range(points):
            if rng.random() < 0.03:
                values.append(None)  # a month nobody entered
                continue
            raw = max(0.0, rng.gauss(centre + drift * month, spread))
            values.append(Decimal(repr(raw)).quantize(step))
        options: dict = {"improvement": rng.choice(Direction.values)}
        if rng.random() < 0.5:
            options["target"] = Decimal(repr(centre)).quantize(step)
        if rng.random() < 0.1:
            options["rebase_at"] = (rng.randrange(20, points - 15),)
        series.append((values, options))
    return series


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--series", type=int, default=6000)
        parser.add_argument("--points", type=int, default=60)
        parser.add_argument("--repeats", type=int, default=3)
        parser.add_argument("--seed", type=int, default=20261130)

    def handle(self, *args, **options):
        count, points = options["series"], options["points"]
        series = build_series(count, points, options["seed"])
        times = []
        for _ in range(options["repeats"]):
            tick = time.perf_counter()
            for values, settings in series:
                compute_spc(values, **settings)
            times.append(time.perf_counter() - tick)
        median = statistics.median(times)
        rounds = ", ".join(f"{t:.2f}" for t in times)
        self.stdout.write(
            f"SPC over {count:,} series × {points} points: {median:.2f} s "
            f"({median / count * 1000:.3f} ms per series; median of "
            f"{len(times)} rounds: {rounds} s)"
        )
