# Sourced by the other scripts: make .venv with the project and its extras installed,
# re-installing only when pyproject.toml changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=.venv/.fpcore-installed
extras=${FPCORE_EXTRAS:-dev}
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
have="$(cat "$stamp" 2>/dev/null || true)"
# an install of the dev extra (everything) also serves the demo's smaller set
if [ "$have" != "$want" ] && [ "$have" != "${want% *} dev" ]; then
    echo "setting up .venv: pip install -e \".[$extras]\" (first run, or pyproject.toml changed) ..." >&2
    # this machine's pip config names local mirrors that may be absent: drop that noise
    quiet() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }
    quiet .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    quiet .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    echo "$want" > "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
