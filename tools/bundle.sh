#!/usr/bin/env bash
# `npm run bundle`: writes both actions' dist/ folders from scratch, the same bytes every time.
#   dist/index.js                       the action (ncc), with undici left out
#   dist/node_modules/undici/index.*    a stand-in that loads undici on first use (proxies only)
#   dist/node_modules/undici/bundled/   undici itself, bundled by ncc
#   delete-runner/dist/                 the delete-runner action, the same way; its stand-in
#                                       loads the one bundled undici under dist/
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist delete-runner/dist

stand_in() { # <dist folder>
  mkdir -p "$1/node_modules/undici"
  cp tools/bundle/undici-shim.cjs "$1/node_modules/undici/index.cjs"
  cp tools/bundle/undici-shim.mjs "$1/node_modules/undici/index.mjs"
  cp tools/bundle/undici-shim.package.json "$1/node_modules/undici/package.json"
}

ncc build src/index.ts --out dist --license licenses.txt --external undici --quiet
ncc build node_modules/undici/index.js --out dist/node_modules/undici/bundled --license licenses.txt --quiet
stand_in dist

ncc build src/delete-runner/index.ts --out delete-runner/dist --license licenses.txt --external undici --quiet
stand_in delete-runner/dist
mkdir -p delete-runner/dist/node_modules/undici/bundled
cp tools/bundle/undici-forward.cjs delete-runner/dist/node_modules/undici/bundled/index.js
