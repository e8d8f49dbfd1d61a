#!/usr/bin/env bash
# Install everything Kho needs on a Debian/Ubuntu machine: system packages and the Python venv.
# Idempotent and non-interactive; a second run only checks and returns in about a second.
#   KHO_VENV    virtualenv directory (default: <repo>/.venv)
#   KHO_PYTHON  interpreter used to create it (default: newest of python3.12/python3.11/python3 >= 3.11)
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KHO_VENV:-$REPO/.venv}"
LOG="$REPO/.kho-install.log"
APT_PACKAGES=(postgresql mariadb-server mariadb-client chromium chromium-driver time ca-certificates)
STEP="starting"
START_S=$SECONDS

say() { printf '==> %s\n' "$*"; }

fail() {
  local rc=$?
  [[ $BASHPID != "$$" ]] && exit "$rc"  # a subshell: let the main shell report once
  printf '\nxx> install failed (exit %s) while: %s\n' "$rc" "$STEP" >&2
  if [[ -s "$LOG" ]]; then
    printf 'xx> last lines of %s:\n' "$LOG" >&2
    tail -n 30 "$LOG" | sed 's/^/    /' >&2
  fi
  printf 'xx> fix the problem above and run `bash scripts/install.sh` again.\n' >&2
  exit "$rc"
}
trap fail ERR

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
  else
    echo "need root to run: $* (no sudo found); rerun as root" >&2
    return 1
  fi
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

pick_python() {
  local candidate candidates=(python3.12 python3.11 python3)
  [[ -n "${KHO_PYTHON:-}" ]] && candidates=("$KHO_PYTHON")
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo "no working Python >= 3.11 among: ${candidates[*]} (set KHO_PYTHON to one)" >&2
  return 1
}

install_system_packages() {
  STEP="checking system packages"
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: install PostgreSQL server, Chromium and chromedriver yourself"
    return
  fi
  local python="$1" missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  # Debian's own python3 needs python3-venv for `-m venv` (ensurepip); pyenv/python.org builds do not.
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    local minor
    minor="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    missing+=("python${minor}-venv")
  fi
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "system packages: already installed"
    return
  fi
  say "system packages: installing ${missing[*]} (apt-get, a few minutes)"
  STEP="apt-get update"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$LOG" 2>&1
  STEP="apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >>"$LOG" 2>&1
}

check_system_tools() {
  STEP="checking PostgreSQL and Chromium"
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
    echo "PostgreSQL server binaries (initdb) not found under /usr/lib/postgresql/*/bin" >&2
    return 1
  fi
  if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    echo "Chromium not found on PATH (needed by the browser tests)" >&2
    return 1
  fi
}

stamp_of() {
  local python_version
  python_version="$("$VENV/bin/python" -c 'import sys; print(sys.version)' 2>/dev/null || true)"
  cat "$REPO/pyproject.toml" "$REPO/constraints.txt" <(echo "$python_version") | sha256sum | cut -d' ' -f1
}

install_python_packages() {
  local python="$1"
  STEP="creating the virtualenv $VENV with $python"
  if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "python: creating $VENV with $("$python" --version 2>&1)"
    rm -rf "$VENV"
    "$python" -m venv "$VENV" >>"$LOG" 2>&1
  fi
  local stamp_file="$VENV/.kho-install-stamp" want
  want="$(stamp_of)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" ]] &&
    "$VENV/bin/python" -c 'import kho, duckdb, pyiceberg, pytest' >/dev/null 2>&1; then
    say "python packages: up to date ($VENV)"
    return
  fi
  say "python packages: pip install -c constraints.txt -e '.[dev]' into $VENV"
  STEP="pip install -c constraints.txt -e '.[dev]'"
  (cd "$REPO" && "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -c constraints.txt -e '.[dev]') >>"$LOG" 2>&1
  STEP="checking the installed packages"
  "$VENV/bin/python" -c 'import kho, duckdb, pyiceberg, polars, pytest' >>"$LOG" 2>&1
  echo "$want" >"$stamp_file"
}

main() {
  : >"$LOG"
  say "kho install: repository $REPO"
  STEP="finding a Python >= 3.11"
  local python
  python="$(pick_python)"
  install_system_packages "$python"
  check_system_tools
  install_python_packages "$python"
  rm -f "$LOG"
  say "kho install: done in $((SECONDS - START_S)) s"
}

main "$@"
