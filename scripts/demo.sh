#!/usr/bin/env bash
# The main job: set up .venv, then run the fpcore demo on the embedded sample data.
source "$(dirname "$0")/_venv.sh"
exec fpcore demo "$@"
