/**
 * Jest's globalSetup: the tests stop before the first one runs when they are not on Node 24.
 *
 * The action ships for `runs.using: node24`, and Node 24 for the tests comes from the npm package
 * `node`, whose install script fetches the binary. When npm skips that script (allowScripts, or
 * --ignore-scripts) or Jest is started without `npm test`, the system Node runs the tests and
 * dozens fail for reasons that say nothing of the cause; this says it once, up front.
 */
const SHIPPED_MAJOR = 24

/** Throws, saying why and what to do, unless `version` (e.g. "24.21.0") is a Node 24. */
export function requireShippedNode(version: string): void {
  const major = Number(version.replace(/^v/, '').split('.')[0])
  if (major === SHIPPED_MAJOR) return
  throw new Error(
    `Tests run on Node ${version}, but the action ships for Node ${SHIPPED_MAJOR}: run them with ` +
      '`npm test`, which uses node_modules/.bin/node from the `node` package. If that file is ' +
      "missing, reinstall with `npm ci` (not --ignore-scripts): the package's install script " +
      "fetches Node 24, and package.json's allowScripts lets it run."
  )
}

export default function globalSetup(): void {
  requireShippedNode(process.versions.node)
}
