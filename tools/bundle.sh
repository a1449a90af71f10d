#!/usr/bin/env bash
# `npm run bundle`: writes dist/ from scratch, the same bytes every time.
#   dist/index.js                       the action (ncc), with undici left out
#   dist/node_modules/undici/index.*    a stand-in that loads undici on first use (proxies only)
#   dist/node_modules/undici/bundled/   undici itself, bundled by ncc
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
ncc build src/index.ts --out dist --license licenses.txt --external undici --quiet
ncc build node_modules/undici/index.js --out dist/node_modules/undici/bundled --license licenses.txt --quiet
cp tools/bundle/undici-shim.cjs dist/node_modules/undici/index.cjs
cp tools/bundle/undici-shim.mjs dist/node_modules/undici/index.mjs
cp tools/bundle/undici-shim.package.json dist/node_modules/undici/package.json
