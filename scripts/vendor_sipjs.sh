#!/usr/bin/env bash
# Rebuilds the portal's SIP library: SIP.js from npm, bundled by esbuild into one ES module,
# api/portal/static/vendor/sip.min.js. The result is committed, so neither the service nor CI needs
# npm; run this only to change the version.
# Usage: scripts/vendor_sipjs.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIPJS_VERSION=0.21.2
ESBUILD_VERSION=0.24.0
out=api/portal/static/vendor/sip.min.js

command -v npm >/dev/null || { echo "vendor_sipjs: npm is needed (apt-get install npm)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm init -y >/dev/null
  npm install --silent --no-audit --no-fund "sip.js@$SIPJS_VERSION" "esbuild@$ESBUILD_VERSION"
  echo 'export * from "./node_modules/sip.js/lib/index.js";' >entry.js
  ./node_modules/.bin/esbuild entry.js --bundle --format=esm --minify --target=es2020 \
    --legal-comments=none --outfile=sip.min.js --log-level=warning
)
mkdir -p "$(dirname "$out")"
{
  echo "/* SIP.js $SIPJS_VERSION, bundled by scripts/vendor_sipjs.sh. Its license:"
  sed 's#\*/#* /#g' "$work/node_modules/sip.js/LICENSE.md"
  echo "*/"
  cat "$work/sip.min.js"
} >"$out"
echo "vendor_sipjs: wrote $out ($(wc -c <"$out") bytes)"
