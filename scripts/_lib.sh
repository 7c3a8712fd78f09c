# Shared by scripts/demo, scripts/test and .ci/run (sourced, not run).
# Creates .venv at the repository root with Python >= 3.11 and installs Samband into it,
# only when pyproject.toml changed since the last install (a hash in .venv/.samband-installed).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
MARKER="$VENV/.samband-installed"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

pyproject_hash() {
    "$VENV/bin/python" - "$ROOT/pyproject.toml" <<'PY'
import hashlib, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16])
PY
}

# ensure_venv base|test: a .venv with `pip install -e .` (base) or `-e .[test]` (test).
ensure_venv() {
    local want="$1" python hash installed
    if [ ! -x "$VENV/bin/python" ]; then
        python="$(find_python)" || die "Samband needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)"
        say "creating $VENV with $python"
        "$python" -m venv "$VENV" || die "could not create the virtual environment (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
    "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "$VENV has Python < 3.11; remove it and run again"
    hash="$(pyproject_hash)"
    installed="$(cat "$MARKER" 2>/dev/null || true)"
    if [ "$installed" = "$hash test" ] || { [ "$want" = base ] && [ "$installed" = "$hash base" ]; }; then
        return 0
    fi
    local target="."
    [ "$want" = test ] && target=".[test]"
    say "installing Samband into .venv (pip install -e '$target')"
    local progress=()
    [ -n "${CI:-}" ] && progress=(--progress-bar off)
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet ${progress[@]+"${progress[@]}"} -e "$target") \
        || die "pip install failed (see above)"
    echo "$hash $want" >"$MARKER"
}

# run_pytest LOGFILE [pytest args...]: pytest with its summary; "no tests ran" is a failure.
run_pytest() {
    local log="$1" status
    shift
    set +e
    (cd "$ROOT" && "$VENV/bin/python" -m pytest -ra "$@") 2>&1 | tee "$log"
    status="${PIPESTATUS[0]}"
    set -e
    if [ "$status" -eq 5 ]; then
        printf '\nerror: pytest collected no tests (exit status 5); the suite must run\n' >&2
        return 1
    fi
    return "$status"
}

# The last line of a pytest run: "N passed, M skipped in 12.3s".
pytest_summary() {
    grep -E '(passed|failed|error|no tests ran).* in [0-9.]+s' "$1" | tail -n 1 || true
}

# ensure_chromium: the browser tests drive Debian's chromium (/usr/bin/chromium) through
# Playwright's Python API. Install it when it is missing and we are root (CI runs as root);
# otherwise say that the browser tests will be skipped (they fail instead when CI is set).
# `playwright install` is never run: no browser is downloaded from outside Debian.
ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        echo "using /usr/bin/chromium"
        return 0
    fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        local log
        log="$(mktemp -t samband-chromium.XXXXXX.log)"
        if { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } >"$log" 2>&1; then
            echo "installed Debian's chromium for the browser tests (log: $log)"
        else
            echo "could not install chromium (see $log); the browser tests will be skipped, or fail under CI"
        fi
    else
        echo "/usr/bin/chromium is missing and we are not root: the browser tests will be skipped (apt-get install chromium)"
    fi
}
