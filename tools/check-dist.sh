#!/usr/bin/env bash
# Fails when the committed dist/ is not exactly what `npm run bundle` produces from src/.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent bundle >/dev/null
if [ -n "$(git status --porcelain -- dist delete-runner/dist)" ]; then
  echo "dist/ is stale: these files differ from what 'npm run bundle' produces:" >&2
  git status --short -- dist delete-runner/dist >&2
  echo "Run 'npm run bundle' and commit dist/." >&2
  exit 1
fi
echo "dist/ and delete-runner/dist/ match the bundle of src/."
