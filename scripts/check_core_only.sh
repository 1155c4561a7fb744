#!/usr/bin/env bash
# Install fpcore without extras into a fresh venv (no system site packages) and check
# that the command line and the extras' parts say what to install instead of failing
# with a traceback. Slow (it installs from the package index): run by hand, not in CI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$(mktemp -d)/core-only}"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$root" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
status=0
check() {  # check EXPECTED_EXIT EXPECTED_TEXT COMMAND...
    local want_exit=$1 want_text=$2
    shift 2
    local out rc=0
    out="$("$@" 2>&1)" || rc=$?
    if [ "$rc" != "$want_exit" ] || ! grep -qF -- "$want_text" <<<"$out" || grep -q Traceback <<<"$out"; then
        echo "FAIL: $* -> exit $rc:"; echo "$out"; status=1
    else
        echo "ok: $* -> exit $rc: $(head -1 <<<"$out")"
    fi
}
check 1 'pip install "fpcore[cli]"' "$venv/bin/fpcore" --help
check 1 'pip install "fpcore[cli]"' "$venv/bin/fpcore" evaluate "$root/examples/household.json"
check 1 'pip install "fpcore[cli]"' "$venv/bin/python" -m fpcore.cli --version
check 0 "240.00" "$venv/bin/python" -c '
import fpcore.policies as p
from fpcore.model import sample_household
from fpcore.periods import parse_period
print(p.get("county").evaluate(sample_household(), parse_period("2008")).total())'
# library imports raise ImportError with the install command (callers catch it)
check 1 'pip install "fpcore[testing]"' "$venv/bin/python" -c '
try:
    import fpcore.testing.strategies
except ImportError as error:
    raise SystemExit(str(error))'
check 1 'pip install "fpcore[testing]"' "$venv/bin/python" -c '
from fpcore.testing.cases import parse_cases
try:
    parse_cases("[]")
except ImportError as error:
    raise SystemExit(str(error))'
check 1 'pip install "fpcore[batch]"' "$venv/bin/python" -c '
from fpcore.synth import synthetic_county
try:
    synthetic_county(households=10)
except ImportError as error:
    raise SystemExit(str(error))'
check 1 'pip install "fpcore[server]"' "$venv/bin/python" -c '
try:
    import fpcore.server
except ImportError as error:
    raise SystemExit(str(error))'
exit $status
