"""Time an upload of many results end to end: reading the file, previewing it
(the planner) and committing it (apply_result_changes), then changing every value
and uploading again, and re-uploading unchanged.

Everything happens in one transaction that is rolled back at the end, so the
database is left as it was. Needs the seeded strategy (`make seed`).
"""

import cProfile
import io
import pstats
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from objectives.models import StrategicObjective
from objectives.roles import Role, group_name
from okrs import actions, imports, periods
from okrs.measures import Direction, Measure
from okrs.models import KeyResult
from okrs.selectors.submissions import units_owing

# Units are active from April 2020 (the seeds): two financial years of months.
FIRST_MONTH = (2020, 4)
MONTHS = 24


class Command(BaseCommand):
    help = "Time parsing, previewing and committing an upload of N results (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument(
            "--profile", action="store_true", help="Print where each stage spends its time."
        )

    def handle(self, *args, rows: int, profile: bool, **options):
        if not 1 <= rows <= imports.MAX_DATA_ROWS:
            raise CommandError(f"--rows must be from 1 to {imports.MAX_DATA_ROWS}.")
        self.profile = profile
        vendor = connection.vendor
        self.stdout.write(f"Benchmark: {rows:,} rows on {vendor} (rolled back at the end).")
        with transaction.atomic():
            try:
                self._run(rows)
            finally:
                transaction.set_rollback(True)

    def _run(self, count: int) -> None:
        user = self._corrector()
        started = time.perf_counter()
        template_rows = self._rows(user, count)
        self.stdout.write(f"Set-up (OKRs, periods): {time.perf_counter() - started:.2f} s")
        today = timezone.localdate()
        reason = "Benchmark of the bulk upload"
        for round_name, values in (
            ("all new", lambda index: Decimal(50 + index % 500 / 10)),
            ("all changed", lambda index: Decimal(40 + index % 500 / 10)),
            ("re-upload, unchanged", lambda index: Decimal(40 + index % 500 / 10)),
        ):
            rows = [
                replace(row, value=values(index).quantize(Decimal("0.1")))
                for index, row in enumerate(template_rows)
            ]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "bench.csv"
                path.write_bytes(imports.template_csv(rows))
                size = path.stat().st_size
                self._round(round_name, path, size, user=user, reason=reason, today=today)

    def _round(self, name: str, path: Path, size: int, *, user, reason: str, today) -> None:
        self.stdout.write(f"\n{name} ({size / 1024 / 1024:.2f} MB CSV)")
        content = path.read_bytes()
        file_rows, parse = self._timed(
            "parse", lambda: imports.read_result_file(path.name, content)
        )
        preview, plan = self._timed(
            "preview",
            lambda: imports.preview_rows(by=user, rows=file_rows, reason=reason, today=today),
        )
        if preview.has_errors:
            problems = preview.general_errors + [
                f"row {row.row.number}: {row.message}" for row in preview.error_rows[:5]
            ]
            raise CommandError("The benchmark file has errors: " + "; ".join(problems))
        counts = preview.counts
        shown = [f"{number:,} {outcome}" for outcome, number in counts.items() if number]
        self.stdout.write("  " + ", ".join(shown))
        committed, commit = self._timed(
            "commit", lambda: imports.commit_preview(by=user, preview=preview, today=today)
        )
        if committed.has_errors:
            raise CommandError("The commit was refused: " + "; ".join(committed.general_errors))
        total = parse + plan + commit
        self.stdout.write(
            f"  parse {parse:.2f} s, preview {plan:.2f} s, commit {commit:.2f} s "
            f"({committed.saved:,} written); total {total:.2f} s, "
            f"{len(file_rows) / total:,.0f} rows/s"
        )

    def _timed(self, stage: str, work):
        profiler = cProfile.Profile() if self.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = work()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
            self.stdout.write(f"  --- profile of {stage} ---\n{out.getvalue()}")
        return result, elapsed

    def _corrector(self):
        """A board secretary: may correct any unit and period, with a reason."""
        user = get_user_model().objects.create_user(username=f"bench-import-{time.time_ns()}")
        user.groups.add(Group.objects.get(name=group_name(Role.BOARD_SECRETARY)))
        return user

    def _rows(self, user, count: int) -> list[imports.TemplateRow]:
        """`count` distinct OKR × unit × period rows: monthly OKRs made for the purpose,
        every month of two years, every unit active in it."""
        objective = StrategicObjective.objects.filter(strategy__is_current=True).first()
        if objective is None:
            raise CommandError("Load the seeded strategy first (make seed).")
        span = periods.month_span(*FIRST_MONTH)
        months = []
        for _ in range(MONTHS):
            months.append(actions.ensure_period(span))
            span = periods.next_span(span)
        units = units_owing(months[0])
        if not all(units_owing(month) == units for month in months):
            raise CommandError("The units changed during the benchmark's months.")
        per_okr = len(units) * len(months)
        okrs_needed = -(-count // per_okr)
        stamp = time.time_ns()
        key_results = [
            actions.create_key_result(
                by=user,
                objective=objective,
                code=f"bench-{stamp}-{number}",
                statement=f"Benchmark OKR {number}",
                reason="Benchmark",
                status=KeyResult.Status.ACTIVE,
                measure=Measure.PERCENTAGE,
                direction=Direction.INCREASE,
                frequency=periods.MONTHLY,
                decimal_places=1,
                is_demo=True,
            )
            for number in range(okrs_needed)
        ]
        rows = []
        for key_result in key_results:
            for month in months:
                for unit in units:
                    rows.append(
                        imports.TemplateRow(
                            okr_code=key_result.code,
                            okr_statement=key_result.statement,
                            unit=unit.short_name,
                            period=month.label,
                            target=None,
                            previous_value=None,
                            value=None,
                            comment="",
                            decimal_places=1,
                        )
                    )
        return rows[:count]
