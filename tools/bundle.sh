#!/usr/bin/env bash
# `npm run bundle`: writes every action's dist/ folder from scratch, the same bytes every time.
#   dist/index.js                       the action (ncc), with undici left out
#   dist/NNN.index.js                   jose, in a chunk of its own, loaded only to seal or open
#   dist/licenses.txt                   the licenses of everything bundled, chunks included
#   dist/node_modules/undici/index.*    a stand-in that loads undici on first use (proxies only)
#   dist/node_modules/undici/bundled/   undici itself, bundled by ncc
#   delete-runner/dist/,                the sub-actions, the same way; their stand-ins load the
#   unseal-token/dist/                  one bundled undici under dist/ (unseal-token sends no
#                                       request, so it never does)
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
rm -rf dist delete-runner/dist unseal-token/dist

stand_in() { # <dist folder>
  mkdir -p "$1/node_modules/undici"
  cp tools/bundle/undici-shim.cjs "$1/node_modules/undici/index.cjs"
  cp tools/bundle/undici-shim.mjs "$1/node_modules/undici/index.mjs"
  cp tools/bundle/undici-shim.package.json "$1/node_modules/undici/package.json"
}

# ncc's --license writes one file per chunk; a fixed name would keep only the last chunk's
# (jose's), so each chunk gets its own ([name]: main, or the chunk's id) and they are joined.
action() { # <entry> <dist folder>
  ncc build "$1" --out "$2" --license '[name].licenses.txt' --external undici --quiet
  cp "$2/main.licenses.txt" "$2/licenses.txt"
  for chunk in "$2"/[0-9]*.licenses.txt; do
    printf '\n' >>"$2/licenses.txt"
    cat "$chunk" >>"$2/licenses.txt"
  done
  rm "$2"/*.licenses.txt
  stand_in "$2"
}

action src/remove-token/index.ts dist
ncc build node_modules/undici/index.js --out dist/node_modules/undici/bundled --license licenses.txt --quiet

for sub in delete-runner unseal-token; do
  action "src/$sub/index.ts" "$sub/dist"
  mkdir -p "$sub/dist/node_modules/undici/bundled"
  cp tools/bundle/undici-forward.cjs "$sub/dist/node_modules/undici/bundled/index.js"
done
