#!/usr/bin/env bash
# Brings the whole service up on embedded defaults: SQLite, the lab Asterisk, API on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/assistant up
