#!/usr/bin/env bash
# Start a Chroma server on loopback in the background: `scripts/chroma_server.sh DIR [PORT]` keeps its data in
# DIR/db and its log in DIR/server.log, waits until it answers, and prints "PORT PID"; stop it with `kill PID`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
free_port='import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
port=${2:-$(.venv/bin/python -c "$free_port")}
mkdir -p "$dir"
ANONYMIZED_TELEMETRY=False .venv/bin/chroma run --path "$dir/db" --host 127.0.0.1 --port "$port" \
  >"$dir/server.log" 2>&1 </dev/null &
pid=$!
if ! .venv/bin/python - "$port" "$pid" <<'PY'
import sys, time, urllib.request
from pathlib import Path
port, stat = sys.argv[1], Path(f"/proc/{sys.argv[2]}/stat")
for _ in range(600):  # a minute at most; a server that exited (gone or zombie) fails at once
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
        sys.exit(0)
    except OSError:
        if not stat.exists() or stat.read_text().split(") ")[1].startswith("Z"):
            sys.exit(1)
        time.sleep(0.1)
sys.exit(1)
PY
then
  kill "$pid" 2>/dev/null || true
  echo "Chroma server did not start on port $port:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi
echo "$port $pid"
