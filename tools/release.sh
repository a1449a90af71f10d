#!/usr/bin/env bash
# `npm run release [-- --push]`: tags the version in package.json (vX.Y.Z) on a clean, checked main
# and moves the major tag (vX) to it. Without --push it only creates the tags locally and says
# what it would push.
set -euo pipefail
cd "$(dirname "$0")/.."

push=false
[ "${1:-}" = --push ] && push=true

fail() {
  echo "release: $*" >&2
  exit 1
}

version=$(node -p "require('./package.json').version")
tag="v$version"
major="v${version%%.*}"

[ -z "$(git status --porcelain)" ] || fail "the working tree has uncommitted changes"
[ "$(git rev-parse --abbrev-ref HEAD)" = main ] || fail "releases are made from main"
grep -q "^## \[$version\]" CHANGELOG.md || fail "CHANGELOG.md has no '## [$version]' section"
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && fail "$tag already exists"

npm run --silent check-dist

git tag -a "$tag" -m "$tag"
git tag -fa "$major" -m "$major: points to $tag" "$tag^{}"
echo "Tagged $tag and moved $major to it."

if $push; then
  git push origin "refs/tags/$tag"
  git push --force origin "refs/tags/$major"
else
  echo "Dry run: to publish, run 'npm run release -- --push' (pushes $tag, force-pushes $major)."
fi
