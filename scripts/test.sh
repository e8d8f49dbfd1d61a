#!/usr/bin/env bash
# Install everything (PostgreSQL, Chromium, the venv), lint, then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k ingest`.
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KHO_VENV:-$REPO/.venv}"
cd "$REPO"

bash scripts/install.sh

echo "==> ruff check src tests"
"$VENV/bin/ruff" check src tests

echo "==> pytest (2 workers; each starts its own PostgreSQL)"
OUT="$(mktemp -t kho-pytest.XXXXXX)"
trap 'rm -f "$OUT"' EXIT
set +e
"$VENV/bin/python" -m pytest -n 2 --timeout 600 -p no:cacheprovider "$@" tests 2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}
set -e

summary="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$OUT" | tail -n 1 || true)"
echo
echo "==> pytest summary: ${summary:-"(no summary line; pytest exit code $rc)"}"
if [[ $rc -eq 5 ]]; then
  echo "xx> pytest collected no tests: treating as a failure" >&2
  exit 5
fi
exit "$rc"
