#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback in the background: `scripts/postgres_server.sh DIR [PORT]` initialises a
# cluster in DIR/pg (Debian's packages, installed if missing; as root the server runs as the `postgres` user),
# logs to DIR/postgres.log, waits until it accepts connections, creates the database `gia`, writes its URL to
# DIR/database.url and prints "PORT PID"; stop it with `kill PID`. Trust authentication, 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "$1"
dir=$(realpath "$1")
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(pg_bin)
free_port='import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
port=${2:-$(.venv/bin/python -c "$free_port")}
as_owner=()
if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
  chown postgres: "$dir"
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  if ! "${as_owner[@]}" test -w "$dir"; then
    echo "$dir: the postgres user cannot reach it (a folder above it is private); use one under /tmp" >&2
    exit 1
  fi
fi
if ! "${as_owner[@]}" "$bin/initdb" -D "$dir/pg" -U gia --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
then
  cat "$dir/initdb.log" >&2
  exit 1
fi
# exec'd, not forked: $! is the postmaster itself, so `kill PID` stops the server
"${as_owner[@]}" "$bin/postgres" -D "$dir/pg" -h 127.0.0.1 -p "$port" -k "$dir/pg" -c max_connections=300 \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off >"$dir/postgres.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 600); do  # a minute at most; a server that exited fails at once
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U gia gia; then
  kill "$pid" 2>/dev/null || true
  echo "PostgreSQL did not start on port $port:" >&2
  cat "$dir/postgres.log" >&2
  exit 1
fi
echo "postgresql://gia@127.0.0.1:$port/gia" >"$dir/database.url"
echo "$port $pid"
