#!/usr/bin/env bash
# make smoke: the production server, started as a deployment starts it, answers.
#
# On an empty PostgreSQL database of its own: the release commands
# (scripts/serve_production.sh release: collectstatic, migrate), the Trust's seeds
# and today's periods (docs/operations.md, "Deploying"), a user with a role; then
# gunicorn and the task worker on a free port of 127.0.0.1, exactly as the systemd
# units start them, and tests/smoke/check_production.py against them. Stops the
# processes it started, by PID, and drops its database, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/production_harness.sh
source scripts/production_harness.sh

harness_setup strategy_portal_smoke
harness_production_env

echo "== Release: collectstatic and migrate (production settings)"
scripts/serve_production.sh release >"$harness_dir/release.log"
tail -n 3 "$harness_dir/release.log"
"$PYTHON" manage.py load_seeds >"$harness_dir/seeds.log" 2>&1
"$PYTHON" manage.py open_periods >>"$harness_dir/seeds.log" 2>&1

echo "== A user with a role"
SMOKE_USERNAME=smoke-secretary
SMOKE_PASSWORD="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))')"
export SMOKE_USERNAME SMOKE_PASSWORD
# A board secretary: reads the dashboard and the IPR, and exports the pack.
"$PYTHON" manage.py shell --no-imports --verbosity 0 --command '
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from objectives.roles import Role, group_name
user = get_user_model().objects.create_user(
    os.environ["SMOKE_USERNAME"], "smoke@example.com", os.environ["SMOKE_PASSWORD"]
)
user.groups.add(Group.objects.get(name=group_name(Role.BOARD_SECRETARY)))
' >>"$harness_dir/seeds.log" 2>&1

echo "== Starting gunicorn and the worker (scripts/serve_production.sh web, worker)"
harness_start web scripts/serve_production.sh web
harness_start worker scripts/serve_production.sh worker

echo "== Smoke test against $HARNESS_URL"
"$PYTHON" tests/smoke/check_production.py "$HARNESS_URL" \
  --username "$SMOKE_USERNAME" --password "$SMOKE_PASSWORD" --web-log "$harness_dir/web.log"
harness_running || { echo "A server process stopped during the smoke test"; exit 1; }
echo "== Smoke test passed: gunicorn, WhiteNoise, PostgreSQL and the worker"
