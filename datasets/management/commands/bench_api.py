"""Time a batch of many results through the API end to end: the JSON request
through the whole request stack (authentication, parsing, field checks), the planner
and the all-or-nothing save, and the response, as `make bench-import` times the
upload: all new, all changed, then the same rows again (unchanged).

The caller is a board secretary with their session (a client acts as a unit's lead,
within the entry window; the benchmark's months are long closed, so only a
corrector may write them). Everything happens in one transaction that is rolled back
at the end. Needs the seeded strategy (`make seed`).
"""

import json
import time
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from datasets.management.commands.bench_import import Command as UploadBenchmark
from okrs import imports

REASON = "Benchmark of the API's batch"


class Command(UploadBenchmark):
    help = "Time an API batch of N results: all new, all changed, unchanged (rolled back)."

    def handle(self, *args, rows: int, profile: bool, **options):
        if not 1 <= rows <= imports.MAX_DATA_ROWS:
            raise CommandError(f"--rows must be from 1 to {imports.MAX_DATA_ROWS}.")
        self.profile = profile
        self.stdout.write(
            f"Benchmark: an API batch of {rows:,} rows on {connection.vendor} "
            "(rolled back at the end)."
        )
        with transaction.atomic():
            try:
                self._run_batches(rows)
            finally:
                transaction.set_rollback(True)

    def _run_batches(self, count: int) -> None:
        user = self._corrector()
        started = time.perf_counter()
        template_rows = self._rows(user, count)
        self.stdout.write(f"Set-up (OKRs, periods): {time.perf_counter() - started:.2f} s")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for round_name, values in (
            ("all new", lambda index: Decimal(50 + index % 500 / 10)),
            ("all changed", lambda index: Decimal(40 + index % 500 / 10)),
            ("again, unchanged", lambda index: Decimal(40 + index % 500 / 10)),
        ):
            body = json.dumps(
                {
                    "reason": REASON,
                    "rows": [
                        {
                            "okr_code": row.okr_code,
                            "unit": row.unit,
                            "period": row.period,
                            "value": str(values(index).quantize(Decimal("0.1"))),
                        }
                        for index, row in enumerate(template_rows)
                    ],
                }
            )
            response, elapsed = self._timed(
                round_name,
                lambda body=body: client.post(
                    "/api/v1/results/batch/", body, content_type="application/json"
                ),
            )
            if response.status_code != 200:
                raise CommandError(
                    f"The batch was refused ({response.status_code}): "
                    f"{response.content[:500].decode(errors='replace')}"
                )
            outcome = response.json()
            shown = [f"{number:,} {name}" for name, number in outcome["counts"].items() if number]
            self.stdout.write(
                f"\n{round_name} ({len(body) / 1024 / 1024:.2f} MB JSON): {', '.join(shown)}; "
                f"{outcome['saved']:,} written in {elapsed:.2f} s, {count / elapsed:,.0f} rows/s"
            )
