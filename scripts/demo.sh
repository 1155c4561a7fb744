#!/usr/bin/env bash
# The main job: set up .venv, then run the fpcore demo on the embedded sample data.
# The demo needs only the batch (polars, numpy) and cli (typer, rich) extras; a .venv
# already set up with everything (dev, by scripts/test.sh) is used as it is.
export FPCORE_EXTRAS=${FPCORE_EXTRAS:-batch,cli}
source "$(dirname "$0")/_venv.sh"
exec fpcore demo "$@"
