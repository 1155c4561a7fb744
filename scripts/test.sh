#!/usr/bin/env bash
# The whole check, as CI runs it: lint, format, types, tests (with doctests), docs.
source "$(dirname "$0")/_venv.sh"
set -x
ruff check src tests benchmarks docs
ruff format --check src tests benchmarks docs
mypy
python -m pytest "$@"
sphinx-build -W --keep-going -q -b html docs docs/_build/html
