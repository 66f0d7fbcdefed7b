#!/usr/bin/env bash
# Installs what the service needs on a Debian machine, idempotently:
# Debian packages, a Python virtual environment (kept in the cache folder and reused while
# pyproject.toml is unchanged; .venv points at it), and the lab Asterisk root.
# Usage: scripts/setup.sh [--tests]   (--tests adds what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=no
[ "${1:-}" = "--tests" ] && with_tests=yes

cache="${ASSISTANT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/assistant}"
mkdir -p "$cache"

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (the lab Asterisk runs in a chroot; packages come from apt)" >&2
  exit 2
fi

apt_packages=(debootstrap python3-venv espeak-ng sox openssl)
[ "$with_tests" = yes ] && apt_packages+=(postgresql chromium libreoffice-calc-nogui sqlite3 baresip-core)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# pip warns about every index location this machine's configuration lists but does not have.
quiet_pip() { grep -v -e "is ignored: it is neither a file nor a directory" -e "BuildBackendWarning" || true; }

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || {
  echo "setup: Python 3.11 is required (found $("$python" --version 2>&1))" >&2; exit 2; }

extras="dev,vosk-ko"
key=$( (cat pyproject.toml; echo "$extras"; "$python" --version) | sha256sum | cut -c1-16)
venv="$cache/venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  echo "setup: creating the virtual environment $venv (a few minutes the first time)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip 2> >(quiet_pip >&2)
  "$venv/bin/pip" install -q -e ".[$extras]" 2> >(quiet_pip >&2)
  touch "$venv/.complete"
fi
# Point the environment's editable install at this checkout (cheap; no dependencies touched).
"$venv/bin/pip" install -q --no-deps -e . >/dev/null 2> >(quiet_pip >&2)
ln -sfn "$venv" .venv

ASSISTANT_CACHE_DIR="$cache" .venv/bin/python -c '
import logging; logging.basicConfig(level=logging.INFO, format="setup: %(message)s")
from assistant.config import Settings
from assistant.pbx import lab
settings = Settings()
if settings.uses_lab:
    lab.ensure_root(settings)
'
echo "setup: ready"
