#!/usr/bin/env bash
# make load-test: a bounded load test of the production server on this machine.
#
# A PostgreSQL database of its own is seeded in development mode (the Trust's
# strategy, today's periods, the demo history, the load test's users holding
# roles); then it is served as a deployment serves it (production settings,
# scripts/serve_production.sh: release, gunicorn with deploy/gunicorn.conf.py, the
# task worker) and Locust, headless, runs tests/load/locustfile.py against it for
# a bounded time. Afterwards every write that got a success answer is looked for
# in the audit history (manage.py check_load_writes). The processes it started are
# stopped by PID and the database dropped, also on failure.
#
#   LOAD_USERS (50)  LOAD_SPAWN_RATE (5 a second)  LOAD_DURATION (3m)
#   WEB_CONCURRENCY (gunicorn workers; deploy/gunicorn.conf.py's default)
#   LOAD_RESULTS (var/load-test/<time>): where the figures and Locust's CSVs go
#
# Traffic goes to 127.0.0.1 only and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/production_harness.sh
source scripts/production_harness.sh

LOAD_USERS="${LOAD_USERS:-50}"
LOAD_SPAWN_RATE="${LOAD_SPAWN_RATE:-5}"
LOAD_DURATION="${LOAD_DURATION:-3m}"
LOAD_RESULTS="${LOAD_RESULTS:-var/load-test/$(date +%Y%m%d-%H%M%S)}"
export LOAD_EXECUTIVES="${LOAD_EXECUTIVES:-60}" LOAD_LEADS="${LOAD_LEADS:-32}"
export LOAD_SECRETARIES="${LOAD_SECRETARIES:-8}"
mkdir -p "$LOAD_RESULTS"
LOAD_RESULTS="$(cd "$LOAD_RESULTS" && pwd)"
harness_keep_logs="$LOAD_RESULTS"

harness_setup strategy_portal_load

echo "== Seeding (development settings): strategy, periods, demo history, users"
(
  export DJANGO_ENV=development
  "$PYTHON" manage.py migrate --no-input
  "$PYTHON" manage.py load_seeds
  "$PYTHON" manage.py open_periods
  "$PYTHON" manage.py load_demo
  "$PYTHON" manage.py load_test_users --executives "$LOAD_EXECUTIVES" \
    --leads "$LOAD_LEADS" --secretaries "$LOAD_SECRETARIES"
) >"$harness_dir/seed.log" 2>&1
tail -n 1 "$harness_dir/seed.log"

harness_production_env
echo "== Release and start (production settings)"
scripts/serve_production.sh release >"$harness_dir/release.log" 2>&1
harness_start web scripts/serve_production.sh web
harness_start worker scripts/serve_production.sh worker
"$PYTHON" - "$HARNESS_URL" <<'PY'
import sys
import time
import urllib.request

request = urllib.request.Request(
    f"{sys.argv[1]}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
)
for _ in range(180):
    try:
        if urllib.request.urlopen(request, timeout=5).status == 200:
            sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit("The server did not start.")
PY
workers="$(grep -c 'Booting worker' "$harness_dir/web.log" || true)"

# CPU seconds: the whole machine's (busy, all cores) and the portal's own processes'
# (gunicorn's master and workers, the task worker), so the figures can say how much
# of the two cores the portal had while others' work ran beside it.
machine_cpu() { awk '/^cpu /{printf "%.1f\n", ($2+$3+$4+$7+$8+$9)/100}' /proc/stat; }
portal_cpu() {
  local pid total=0 t
  for pid in "${harness_pids[@]}"; do
    for t in $(ps -o cputimes= -p "$pid") $(ps -o cputimes= --ppid "$pid"); do
      total=$((total + t))
    done
  done
  echo "$total"
}

echo "== Locust: $LOAD_USERS users, $LOAD_SPAWN_RATE a second, for $LOAD_DURATION"
echo "   machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# What else is running shares the cores: kept with the figures.
ps -eo pcpu,etime,comm --sort=-pcpu | head -n 15 >"$LOAD_RESULTS/processes-before.txt"
status=0
machine_before="$(machine_cpu)" portal_before="$(portal_cpu)" started="$(date +%s)"
LOAD_WRITES_FILE="$LOAD_RESULTS/writes.jsonl" LOAD_SUMMARY_FILE="$LOAD_RESULTS/summary.json" \
  "$PYTHON" -m locust -f tests/load/locustfile.py --headless --only-summary \
  --host "$HARNESS_URL" --users "$LOAD_USERS" --spawn-rate "$LOAD_SPAWN_RATE" \
  --run-time "$LOAD_DURATION" --stop-timeout 30 --csv "$LOAD_RESULTS/locust" \
  --loglevel WARNING || status=$?
elapsed=$(($(date +%s) - started))
machine_after="$(machine_cpu)" portal_after="$(portal_cpu)"
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v m="$machine_after" -v mb="$machine_before" -v p="$portal_after" -v pb="$portal_before" \
  -v s="$elapsed" -v cores="$(nproc)" 'BEGIN {
    printf "   CPU over %d s: the machine busy %.2f of %d cores; the portal (gunicorn and the\n", s, (m - mb) / s, cores
    printf "   task worker) %.2f cores; the rest (PostgreSQL, Locust, anything else running) %.2f\n", (p - pb) / s, (m - mb - p + pb) / s
  }' | tee "$LOAD_RESULTS/cpu.txt"
ps -eo pcpu,etime,comm --sort=-pcpu | head -n 15 >"$LOAD_RESULTS/processes-after.txt"
harness_running || { echo "A server process stopped during the load test"; status=1; }

echo "== Writes against the audit history"
"$PYTHON" manage.py check_load_writes "$LOAD_RESULTS/writes.jsonl" || status=1

"$PYTHON" - "$LOAD_RESULTS/summary.json" "$workers" <<'PY'
import json
import sys

figures = json.load(open(sys.argv[1]))
whole = figures["categories"].get("page", {})
steady = figures["steady_categories"].get("page", {})
met = whole.get("p95_ms", 1e9) <= 500 and figures["errors"] == 0
print(
    f"== {figures['users']} users on {sys.argv[2]} gunicorn workers, think time "
    f"{figures['think_time_s'][0]:g}-{figures['think_time_s'][1]:g} s: "
    f"{figures['requests_per_second']} requests a second; page views p95 {whole.get('p95_ms')} ms "
    f"(after logging in: {steady.get('p95_ms')} ms); {figures['errors']} errors.\n"
    f"   Goal (page views p95 <= 500 ms, 0 errors): {'met' if met else 'NOT met'}"
)
PY
echo "Figures and Locust's CSVs: $LOAD_RESULTS"
exit "$status"
