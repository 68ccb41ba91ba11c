# Sourced by scripts/smoke_production.sh and scripts/load_test.sh: a PostgreSQL
# database of their own, the production server and worker started on 127.0.0.1
# with scripts/serve_production.sh (the commands the systemd units run), and,
# whatever happens, those processes stopped by their PIDs and the database dropped.
#
# POSTGRES_ADMIN_URL: a database on the server to connect to while creating and
# dropping ours (default: the local server's `postgres`, as its superuser).

PYTHON="${PYTHON:-.venv/bin/python}"
POSTGRES_ADMIN_URL="${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
harness_pids=()
harness_database=""
harness_dir=""
harness_keep_logs=""

# harness_postgres create|drop NAME
harness_postgres() {
  "$PYTHON" - "$POSTGRES_ADMIN_URL" "$1" "$2" <<'PY'
import sys

import psycopg2
from psycopg2 import sql

url, action, name = sys.argv[1:]
connection = psycopg2.connect(url)
connection.autocommit = True
with connection.cursor() as cursor:
    if action == "create":
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        # FORCE: a connection the stopped server left open does not keep it.
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
connection.close()
PY
}

harness_free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# harness_setup NAME: a temporary folder, an empty database NAME_<pid>, a free port,
# and the cleanup armed. Static files, media and the cache go to the folder, so
# nothing in the project (or another server's files) is touched.
harness_setup() {
  harness_dir="$(mktemp -d)"
  harness_database="$1_$$"
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  harness_postgres create "$harness_database"
  export DATABASE_URL="${POSTGRES_ADMIN_URL%/*}/$harness_database"
  export DJANGO_STATIC_ROOT="$harness_dir/static"
  export DJANGO_MEDIA_ROOT="$harness_dir/media"
  export DJANGO_CACHE_DIR="$harness_dir/cache"
  HARNESS_PORT="$(harness_free_port)"
  HARNESS_URL="http://127.0.0.1:$HARNESS_PORT"
  echo "Database $harness_database, server on $HARNESS_URL, files in $harness_dir"
}

# The production settings (the default), with what a deployment would put in its
# environment file. The clients play the Trust's TLS proxy: they send
# X-Forwarded-Proto: https, so the HTTPS redirect, secure cookies and HSTS stay on
# exactly as deployed. E-mail goes to memory: nothing is sent.
harness_production_env() {
  export DJANGO_ENV=production
  DJANGO_SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(60))')"
  export DJANGO_SECRET_KEY
  export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  export SITE_URL="$HARNESS_URL"
  export DJANGO_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
  export GUNICORN_BIND="127.0.0.1:$HARNESS_PORT"
}

# harness_start NAME COMMAND...: run it in the background, its output in NAME.log.
harness_start() {
  local name="$1"
  shift
  "$@" >"$harness_dir/$name.log" 2>&1 &
  harness_pids+=("$!")
  echo "Started $name (PID $!)"
}

# harness_running: every process started is still running.
harness_running() {
  local pid
  for pid in "${harness_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}

harness_stop() {
  local pid waited
  for pid in "${harness_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${harness_pids[@]}"; do
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "PID $pid did not stop within 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  harness_pids=()
}

harness_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  harness_stop
  if [ -n "$harness_database" ]; then
    harness_postgres drop "$harness_database" || echo "Could not drop $harness_database"
  fi
  if [ -n "$harness_dir" ]; then
    if [ "$status" -ne 0 ]; then
      for log in "$harness_dir"/*.log; do
        [ -f "$log" ] || continue
        echo "---- last lines of $(basename "$log")"
        tail -n 40 "$log"
      done
    fi
    if [ -n "$harness_keep_logs" ]; then
      mkdir -p "$harness_keep_logs"
      cp "$harness_dir"/*.log "$harness_keep_logs"/ 2>/dev/null || true
    fi
    rm -rf "$harness_dir"
  fi
  exit "$status"
}
