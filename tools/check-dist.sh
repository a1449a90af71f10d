#!/usr/bin/env bash
# Fails when the committed dist/ is not exactly what `npm run bundle` produces from src/.
# --ignored: a bundled file that .gitignore hides (node_modules/) would be missing from a clone.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent bundle >/dev/null
if [ -n "$(git status --porcelain --ignored -- dist delete-runner/dist unseal-token/dist)" ]; then
  echo "dist/ is stale: these files differ from what 'npm run bundle' produces:" >&2
  git status --short --ignored -- dist delete-runner/dist unseal-token/dist >&2
  echo "Run 'npm run bundle' and commit dist/." >&2
  exit 1
fi
echo "dist/, delete-runner/dist/ and unseal-token/dist/ match the bundle of src/."
