#!/usr/bin/env bash
# Install everything (PostgreSQL, Chromium, the venv), lint, then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k ingest`.
# Exit code: pytest's (5 "no tests collected" counts as failure); 1 if only the lint failed.
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KHO_VENV:-$REPO/.venv}"
cd "$REPO"

bash scripts/install.sh

echo "==> ruff check src tests"
lint_rc=0
"$VENV/bin/ruff" check src tests || lint_rc=$?
echo "==> mypy --strict src/kho"
"$VENV/bin/mypy" src/kho || lint_rc=$?

echo "==> pytest (2 workers; each starts its own PostgreSQL)"
OUT="$(mktemp -t kho-pytest.XXXXXX)"
trap 'rm -f "$OUT"' EXIT
rc=0
"$VENV/bin/python" -m pytest -n 2 --dist loadfile --timeout 600 -p no:cacheprovider "$@" tests 2>&1 |
  tee "$OUT" || rc=${PIPESTATUS[0]}

summary="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$OUT" | tail -n 1 || true)"
summary="$(sed -E 's/^=+ //; s/ =+$//' <<<"$summary")"
echo
echo "==> pytest summary: ${summary:-"(no summary line; pytest exit code $rc)"}"
if [[ $lint_rc -ne 0 ]]; then
  echo "xx> ruff or mypy found problems (see above)" >&2
fi
if [[ $rc -eq 5 ]]; then
  echo "xx> pytest collected no tests: treating as a failure" >&2
fi
if [[ $rc -ne 0 ]]; then exit "$rc"; fi
exit "$lint_rc"
