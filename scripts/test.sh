#!/usr/bin/env bash
# The test command: set up, install what the browser tests need, start one Chroma server on loopback for the
# store tests that run against a server (CHROMA_TEST_PORT), run the whole suite, stop the server by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_test_deps.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False

chroma_tmp=$(mktemp -d)
read -r chroma_port chroma_pid < <(bash scripts/chroma_server.sh "$chroma_tmp")
trap 'kill "$chroma_pid" 2>/dev/null || true; rm -rf "$chroma_tmp"' EXIT
export CHROMA_TEST_PORT=$chroma_port
.venv/bin/python -m pytest -q "$@"
