#!/usr/bin/env bash
# The main job: set up, then serve the web chat over the bundled example report on 127.0.0.1:7860.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python app.py "$@"
