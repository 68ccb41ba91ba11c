"""Benchmark the Board pack: produce the PDF, workbook and CSV of the seeded trust
(its strategy and demo history, the latest month with data) and of a synthetic
trust 10 times its size with 60 months of history, each in a database of its
own, and print the time of each format, the page count and the file sizes."""

import argparse
import time

from django.core.management.base import BaseCommand

from datasets.benchmarks import build_synthetic_trust, run_in_fresh_database


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument(
            "--scales", default="seeded,10", help="'seeded' and/or synthetic multiples."
        )
        parser.add_argument(
            "--database-url",
            help="A database URL for the benchmark (default: a new temporary SQLite file).",
        )
        # Internal: measure one trust inside the benchmark database.
        parser.add_argument("--measure", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["measure"]:
            self._measure(options["measure"], options["months"])
            return
        for scale in options["scales"].split(","):
            prepare = [["load_seeds"], ["load_demo"]] if scale == "seeded" else []
            run_in_fresh_database(
                ["bench_pack", "--measure", scale, "--months", str(options["months"])],
                database_url=options["database_url"],
                what=f"The {scale} pack benchmark",
                prepare=prepare,
            )

    def _measure(self, scale: str, months: int) -> None:
        import warnings

        warnings.filterwarnings("ignore", message="No directory at")
        from reporting.actions import PACK_FORMATS
        from reporting.exports import render
        from reporting.ipr import monthly_periods_with_results
        from reporting.pack import draft_pack

        started = time.perf_counter()
        if scale == "seeded":
            month = monthly_periods_with_results()[0].starts_on
            shape = "the seeded trust (strategy, demo history)"
        else:
            built, month = build_synthetic_trust(int(scale), months)
            shape = (
                f"{scale}× synthetic trust: {built['objectives']} objectives, "
                f"{built['okrs']} OKRs, {built['units']} units, {built['results']} results"
            )
        prepared = time.perf_counter() - started
        tick = time.perf_counter()
        pack = draft_pack(month)
        assembled = time.perf_counter() - tick
        lines = [f"{shape}, data month {month:%Y-%m} (data built in {prepared:.1f} s)"]
        lines.append(f"    assemble the report: {assembled:.2f} s")
        total = assembled
        for file_format, _stage in PACK_FORMATS:
            tick = time.perf_counter()
            made = render(pack, file_format)
            took = time.perf_counter() - tick
            total += took
            detail = f", {made.page_count} pages" if made.page_count else ""
            size = len(made.content) / 1024
            lines.append(f"    {file_format:<4}: {took:6.2f} s, {size:,.0f} KiB{detail}")
        lines.append(f"    whole pack: {total:.2f} s")
        self.stdout.write("\n".join(lines))
