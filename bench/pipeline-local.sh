#!/usr/bin/env bash
# The by-hand deploy of the risk-assessment seed (a Node app under PM2 on one server, its own
# PostgreSQL), scripted as directly as possible on this machine, without any slipway code:
#   first-deploy <src>   initdb + pg_ctl start + role/createdb; copy the code; npm ci; build; migrate; start; curl /health
#   redeploy <src>       pg_dump backup; copy the new code to a new dir; npm ci; build; migrate; restart (stop + start); curl /health
#   rollback             switch back to the previous dir; restart; curl /health
#   destroy              stop the app, pg_ctl stop, rm -rf
# Everything lives under $BASE; the app listens on $APP_PORT, PostgreSQL on $PG_PORT (loopback).
# PostgreSQL runs as `postgres` when we are root (initdb refuses root), like slipway's.
# $DB_PASSWORD and $JWT_SECRET come from the environment (never a command line).
set -euo pipefail
OP=$1
: "${BASE:?}" "${APP_PORT:?}" "${PG_PORT:?}" "${DB_PASSWORD:?}" "${JWT_SECRET:?}"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDATA=$BASE/pg/data
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
export PGHOST=127.0.0.1 PGPORT=$PG_PORT

app_env() {
  export NODE_ENV=production HOST=127.0.0.1 PORT=$APP_PORT UPYUN_DIRECT_UPLOAD_ENABLED=true
  export DB_HOST=127.0.0.1 DB_PORT=$PG_PORT DB_NAME=shop DB_USER=shop DB_PASSWORD JWT_SECRET
}

install() { # <dir>: npm ci, build (tsc), then drop nothing (PM2 setups keep devDependencies too)
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run build --silent >/dev/null)
}

migrate() { (cd "$1" && app_env && npm run migrate --silent >/dev/null); }

start() { # <dir>: node in the background (what `pm2 start` does), pid in $BASE/app.pid
  (cd "$1"; app_env; nohup node dist/server.js >>"$BASE/app.log" 2>&1 </dev/null & echo $! >"$BASE/app.pid")
  echo "$1" >"$BASE/current"
}

stop() {
  [ -f "$BASE/app.pid" ] || return 0
  local pid; pid=$(cat "$BASE/app.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$BASE/app.pid"
}

health() { # curl the health route until it answers 200 (30 s at most)
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$APP_PORT/health" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "health check failed" >&2; return 1
}

copy_code() { # <src> <dest>
  mkdir -p "$2"
  tar -C "$1" --exclude=node_modules --exclude=dist --exclude=.slipway --exclude='.env.*' -cf - . | tar -C "$2" -xf -
}

next_release() { echo "$BASE/releases/$(( $(ls "$BASE/releases" 2>/dev/null | wc -l) + 1 ))"; }

case "$OP" in
  first-deploy)
    SRC=$2
    mkdir -p "$BASE/pg" "$BASE/releases" "$BASE/backups"
    chmod 0755 "$BASE" "$BASE/pg"
    PW=$BASE/pg/.pw; printf '%s\n' "$DB_PASSWORD" >"$PW"; chmod 0600 "$PW"
    [ "$(id -u)" = 0 ] && chown postgres "$BASE/pg" "$PW"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=scram-sha-256 --pwfile="$PW" -E UTF8 --locale=C >/dev/null
    rm -f "$PW"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$BASE/pg/server.log" -o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" -w start >/dev/null
    export PGUSER=postgres PGPASSWORD=$DB_PASSWORD
    printf "CREATE ROLE shop LOGIN PASSWORD '%s';\n" "$DB_PASSWORD" | "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -f -
    "$PGBIN/createdb" -O shop shop
    D=$(next_release); copy_code "$SRC" "$D"
    install "$D"; migrate "$D"; start "$D"; health ;;
  redeploy)
    SRC=$2
    PGUSER=shop PGPASSWORD=$DB_PASSWORD "$PGBIN/pg_dump" -Fc -d shop -f "$BASE/backups/$(date +%s%N).dump"
    D=$(next_release); copy_code "$SRC" "$D"
    install "$D"; migrate "$D"; stop; start "$D"; health ;;
  rollback)
    CUR=$(cat "$BASE/current"); PREV="$BASE/releases/$(( $(basename "$CUR") - 1 ))"
    stop; start "$PREV"; health ;;
  destroy)
    stop
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
    rm -rf "$BASE" ;;
  *) echo "usage: $0 first-deploy|redeploy <src> | rollback | destroy" >&2; exit 2 ;;
esac
