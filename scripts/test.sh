#!/usr/bin/env bash
# The test command: set up, install what the browser tests need, start one Chroma server and one PostgreSQL on
# loopback for the store tests that run against servers (CHROMA_TEST_PORT, POSTGRES_TEST_URL; each test makes its
# own collection and database there), run the whole suite, stop both servers by their pids.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_test_deps.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False

chroma_tmp=$(mktemp -d)
postgres_tmp=$(mktemp -d)
chroma_pid="" postgres_pid=""
trap 'kill $chroma_pid $postgres_pid 2>/dev/null || true; sleep 1; rm -rf "$chroma_tmp" "$postgres_tmp"' EXIT
read -r chroma_port chroma_pid < <(bash scripts/chroma_server.sh "$chroma_tmp")
read -r _ postgres_pid < <(bash scripts/postgres_server.sh "$postgres_tmp")
export CHROMA_TEST_PORT=$chroma_port POSTGRES_TEST_URL=$(cat "$postgres_tmp/database.url")
.venv/bin/python -m pytest -q "$@"
