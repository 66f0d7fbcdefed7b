#!/usr/bin/env bash
# Runs the whole test suite (unit and end to end, with real calls through the lab Asterisk).
# Test files are shared among TEST_WORKERS pytest-xdist workers (default 2); each worker that runs
# end-to-end tests starts a lab Asterisk and a service of its own, so their calls run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile "$@"
