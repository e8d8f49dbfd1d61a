#!/usr/bin/env bash
# One command: `bash bench/run.sh [ROWS] [--repeat N] [--no-record]` (default 1,000,000 rows).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KHO_VENV:-$REPO/.venv}"
bash "$REPO/scripts/install.sh" >/dev/null
exec "$VENV/bin/python" "$REPO/bench/ingest.py" "$@"
