#!/usr/bin/env bash
# The production commands, one place for all who start the portal: the systemd
# units (deploy/systemd/), the Procfile, and CI's smoke test (make smoke), so CI
# tests what a deployment runs. docs/operations.md, "Deploying", explains them.
#
#   scripts/serve_production.sh release   collect static files, apply migrations
#   scripts/serve_production.sh web       gunicorn (deploy/gunicorn.conf.py)
#   scripts/serve_production.sh worker    mark stopped exports, then the task worker
#
# Settings come from the environment (.env.example); production is the default.
# PYTHON names the interpreter (default: the project's .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
if [ ! -x "$PYTHON" ] && ! command -v "$PYTHON" >/dev/null; then
  echo "No Python at $PYTHON: create the virtual environment (make venv, or" >&2
  echo "python -m venv .venv && .venv/bin/pip install --group prod) or set PYTHON." >&2
  exit 1
fi

case "${1:-}" in
  release)
    # Hashed, compressed copies of every static file (gzip, and Brotli when the
    # package is installed) for WhiteNoise to serve; then the database schema.
    "$PYTHON" manage.py collectstatic --no-input --verbosity 1
    "$PYTHON" manage.py migrate --no-input
    ;;
  web)
    exec "$PYTHON" -m gunicorn --config deploy/gunicorn.conf.py strategy_portal.wsgi:application
    ;;
  worker)
    # An export left "in progress" by a worker that was stopped is marked failed,
    # so it can be tried again (docs/operations.md).
    "$PYTHON" manage.py recover_exports
    exec "$PYTHON" manage.py db_worker
    ;;
  *)
    echo "Usage: $0 release|web|worker" >&2
    exit 2
    ;;
esac
