#!/usr/bin/env bash
# Install everything, create the Kho home, load the bundled demo and serve the portal.
#   KHO_HOME  data directory (default: <repo>/kho-data)    KHO_PORT  port (default: 8000)
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KHO_VENV:-$REPO/.venv}"
export KHO_HOME="${KHO_HOME:-$REPO/kho-data}"
PORT="${KHO_PORT:-8000}"
cd "$REPO"

bash scripts/install.sh

# Conflict (exit 5) means it is already there from an earlier start: carry on.
run_tolerating_conflict() {
  local rc=0
  "$VENV/bin/kho" "$@" || rc=$?
  if [[ $rc -eq 5 ]]; then
    echo "==> kho $*: already done"
  elif [[ $rc -ne 0 ]]; then
    echo "xx> \`kho $*\` failed (exit $rc); see the message above" >&2
    exit "$rc"
  fi
}

echo "==> kho init (KHO_HOME=$KHO_HOME)"
run_tolerating_conflict init
echo "==> kho demo"
run_tolerating_conflict demo
echo "==> serving the portal at http://127.0.0.1:$PORT (Ctrl+C to stop)"
exec "$VENV/bin/kho" serve --host 127.0.0.1 --port "$PORT"
