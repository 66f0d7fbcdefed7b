#!/usr/bin/env bash
# Runs the whole test suite (unit and end to end, with real calls through the lab Asterisk).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
exec .venv/bin/python -m pytest "$@"
