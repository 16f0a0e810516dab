#!/usr/bin/env bash
# Runs the Postman collection with newman against the production server (crm/server.py), started
# from nothing: a freshly migrated PostgreSQL database, collected static files, Redis, and the
# tests' fake OpenAI-compatible server as the model. The collection runs twice in a row, so a
# second run against the same server must pass too. Everything started here is stopped on exit.
#
#   postman/run.sh                         # or: make postman
#   DB_URL=postgresql://postgres@127.0.0.1:5432/crm_newman REDIS_URL=redis://127.0.0.1:6379/11 postman/run.sh
#
# The database named in DB_URL is dropped and created again (so its name must contain newman or
# postman); the Redis database in REDIS_URL is emptied. Needs PostgreSQL, Redis, Node with `npm ci` run, and the Python environment.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL="${DB_URL:-postgresql://postgres@127.0.0.1:5432/crm_newman}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/11}"
RUNS="${RUNS:-2}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
NEWMAN=node_modules/.bin/newman
if [[ ! -x "$NEWMAN" ]]; then
  echo "newman is not installed: run npm ci" >&2
  exit 1
fi

log() { printf '\n== %s\n' "$*"; }

workdir="$(mktemp -d)"
pids=()
cleanup() {
  local status=$?
  # Stop in reverse order of start; the server's main process stops its workers on TERM.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((status != 0)) && [[ -s "$workdir/server.log" ]]; then
    echo "--- the server's log (last 60 lines)" >&2
    tail -n 60 "$workdir/server.log" >&2
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

log "fresh database and cache"
"$PYTHON" - "$DB_URL" "$REDIS_URL" <<'EOF'
import re
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

db_url, redis_url = sys.argv[1:]
url = urlsplit(re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", db_url))
name = url.path.lstrip("/")
if url.scheme not in ("postgresql", "postgres") or not re.fullmatch(r"\w+", name):
    sys.exit(f"DB_URL must name a PostgreSQL database: {db_url}")
# It is dropped: only a database meant for this run, never one that holds anything else.
if not re.search("newman|postman", name):
    sys.exit(f"DB_URL names {name!r}: the run drops its database, so the name must contain newman or postman")
admin = urlunsplit(url._replace(scheme="postgresql", path="/postgres"))
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
redis.Redis.from_url(redis_url).flushdb()
print(f"database {name} created, {redis_url} emptied")
EOF

# The server's environment: real secrets made for this run; the brief's admin password, so the
# collection's login works (this is why `check --deploy` would complain here, and only here).
fake_port="$(free_port)"
app_port="$(free_port)"
export DB_URL REDIS_URL
export DEBUG=false
export SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export JWT_SECRET="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ADMIN_USERNAME=admin ADMIN_PASSWORD=password123
export ASSISTANT_ID=asst_demo
export OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1" OPENAI_API_KEY=fake-key OPENAI_MODEL=fake-model
export SERVER_BIND="127.0.0.1:$app_port"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" SERVER_THREADS="${SERVER_THREADS:-8}"

log "migrate and collect static files"
"$PYTHON" manage.py migrate --noinput --verbosity 0
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

log "fake model server on 127.0.0.1:$fake_port"
"$PYTHON" -m assistant.tests.fake_openai --port "$fake_port" >"$workdir/fake.log" 2>&1 &
pids+=($!)

log "the server on 127.0.0.1:$app_port"
"$PYTHON" -m crm.server >"$workdir/server.log" 2>&1 &
pids+=($!)

base_url="http://127.0.0.1:$app_port"
"$PYTHON" - "$base_url/readyz" "${pids[@]}" <<'EOF'
import json
import os
import sys
import time
import urllib.request

url, *pids = sys.argv[1:]
deadline = time.monotonic() + 60
while True:
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            sys.exit(f"process {pid} exited before the server was ready")
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            print(url, json.load(response))
            break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"{url} did not answer 200 in 60 s: {error}")
        time.sleep(0.3)
EOF

for run in $(seq "$RUNS"); do
  log "newman, run $run of $RUNS"
  "$NEWMAN" run postman/Restaurant_CRM.postman_collection.json \
    -e postman/Restaurant_CRM.postman_environment.json \
    --env-var "baseUrl=$base_url" \
    --color off --no-insecure-file-read
done
log "every assertion passed in $RUNS runs"
