/**
 * `npm run spec:update`: extracts the operations this project calls from GitHub's official OpenAPI
 * description (the npm package @octokit/openapi, pinned below) into spec/github-operations.json,
 * with every component they refer to. `npm run spec:check` regenerates it in memory and fails if
 * the committed file differs. The package (about 29 MB) is downloaded into a temporary folder,
 * not installed: the project never depends on it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../__tests__/harness/run-action.ts'

export const OPENAPI_PACKAGE = '@octokit/openapi'
export const OPENAPI_VERSION = '23.0.2'
export const SPEC_FILE = join(REPO_ROOT, 'spec', 'github-operations.json')

/** The operations the actions call, and the description that documents each. */
export const OPERATIONS = [
  {
    source: 'api.github.com',
    method: 'post',
    path: '/repos/{owner}/{repo}/actions/runners/remove-token'
  },
  { source: 'api.github.com', method: 'post', path: '/orgs/{org}/actions/runners/remove-token' },
  {
    source: 'ghec',
    method: 'post',
    path: '/enterprises/{enterprise}/actions/runners/remove-token'
  },
  // delete-runner: find a runner by name, then delete it.
  { source: 'api.github.com', method: 'get', path: '/repos/{owner}/{repo}/actions/runners' },
  { source: 'api.github.com', method: 'get', path: '/orgs/{org}/actions/runners' },
  { source: 'ghec', method: 'get', path: '/enterprises/{enterprise}/actions/runners' },
  {
    source: 'api.github.com',
    method: 'delete',
    path: '/repos/{owner}/{repo}/actions/runners/{runner_id}'
  },
  { source: 'api.github.com', method: 'delete', path: '/orgs/{org}/actions/runners/{runner_id}' },
  {
    source: 'ghec',
    method: 'delete',
    path: '/enterprises/{enterprise}/actions/runners/{runner_id}'
  },
  // delete-runner with runner-group: find the group by name, then list only its runners.
  { source: 'api.github.com', method: 'get', path: '/orgs/{org}/actions/runner-groups' },
  {
    source: 'api.github.com',
    method: 'get',
    path: '/orgs/{org}/actions/runner-groups/{runner_group_id}/runners'
  },
  { source: 'ghec', method: 'get', path: '/enterprises/{enterprise}/actions/runner-groups' },
  {
    source: 'ghec',
    method: 'get',
    path: '/enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners'
  }
] as const

/** Also kept: GitHub's shape for error answers, which the operations do not document. */
const EXTRA_COMPONENTS = ['#/components/schemas/basic-error']

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Description = {
  openapi: string
  paths: Record<string, Record<string, Json>>
  components: Record<string, Record<string, Json>>
}

export function extract(descriptions: Record<string, Description>): string {
  const paths: Record<string, Record<string, Json>> = {}
  const components: Record<string, Record<string, Json>> = {}

  /** `<source> <ref>` to the reference used in the output. */
  const assigned = new Map<string, string>()
  /** `<kind>/<name>` in the output to the source whose component it is. */
  const owners = new Map<string, string>()

  /** A copy of `value` whose `$ref`s point to the components copied into the output. */
  const withRefs = (value: Json, from: Description, source: string): Json => {
    if (Array.isArray(value)) return value.map((item) => withRefs(item, from, source))
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        key === '$ref' && typeof child === 'string'
          ? addComponent(child, from, source)
          : withRefs(child, from, source)
      ])
    )
  }

  /**
   * Copies a component once. One that another description already contributed with different
   * content (say, a docs link) is kept as `<name>--<source>`, and that source's references to it
   * are rewritten to match.
   */
  const addComponent = (ref: string, from: Description, source: string): string => {
    const known = assigned.get(`${source} ${ref}`)
    if (known) return known
    const [, , kind, name] = ref.split('/')
    if (!kind || !name) throw new Error(`unexpected $ref ${ref}`)
    const found = from.components[kind]?.[name]
    if (found === undefined) throw new Error(`${source} has no ${ref}`)
    const owner = owners.get(`${kind}/${name}`)
    const same =
      owner !== undefined &&
      JSON.stringify(descriptions[owner]?.components[kind]?.[name]) === JSON.stringify(found)
    const outputName = owner === undefined || same ? name : `${name}--${source}`
    const outputRef = `#/components/${kind}/${outputName}`
    assigned.set(`${source} ${ref}`, outputRef)
    if (!same) {
      owners.set(`${kind}/${outputName}`, source)
      ;(components[kind] ??= {})[outputName] = withRefs(found, from, source)
    }
    return outputRef
  }

  for (const { source, method, path } of OPERATIONS) {
    const description = descriptions[source]
    const operation = description?.paths[path]?.[method]
    if (!description || operation === undefined)
      throw new Error(`${source} has no ${method} ${path}`)
    ;(paths[path] ??= {})[method] = {
      ...(withRefs(operation, description, source) as object),
      'x-extracted-from': source
    }
  }
  for (const ref of EXTRA_COMPONENTS)
    addComponent(ref, descriptions['api.github.com'] as Description, 'api.github.com')

  const sorted = (record: Record<string, Json>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
  const spec = {
    openapi: descriptions['api.github.com']?.openapi,
    info: {
      title: 'The GitHub REST API operations runner-remove-token calls',
      version: OPENAPI_VERSION,
      description: `Generated by 'npm run spec:update' from ${OPENAPI_PACKAGE}@${OPENAPI_VERSION}; do not edit.`
    },
    paths: sorted(paths),
    components: Object.fromEntries(
      Object.entries(components)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, section]) => [kind, sorted(section)])
    )
  }
  return `${JSON.stringify(spec, null, 2)}\n`
}

/** Downloads the pinned package and reads the descriptions the operations come from. */
export function loadDescriptions(): Record<string, Description> {
  const temp = mkdtempSync(join(tmpdir(), 'openapi-'))
  try {
    const tarball = execFileSync(
      'npm',
      ['pack', `${OPENAPI_PACKAGE}@${OPENAPI_VERSION}`, '--silent'],
      {
        cwd: temp,
        encoding: 'utf8'
      }
    ).trim()
    const sources = [...new Set(OPERATIONS.map((op) => op.source))]
    const members = sources.map((source) => `package/generated/${source}.json`)
    execFileSync('tar', ['-xzf', tarball, ...members], { cwd: temp })
    return Object.fromEntries(
      sources.map((source, i) => [
        source,
        JSON.parse(readFileSync(join(temp, members[i] as string), 'utf8'))
      ])
    )
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

const check = process.argv.includes('--check')
const generated = extract(loadDescriptions())
if (check) {
  let committed = ''
  try {
    committed = readFileSync(SPEC_FILE, 'utf8')
  } catch {
    // A missing file differs like any other.
  }
  if (committed !== generated) {
    console.error(
      `${SPEC_FILE} is not what 'npm run spec:update' produces from ${OPENAPI_PACKAGE}@${OPENAPI_VERSION}. Run it and commit the file.`
    )
    process.exit(1)
  }
  console.log(`spec/github-operations.json matches ${OPENAPI_PACKAGE}@${OPENAPI_VERSION}.`)
} else {
  writeFileSync(SPEC_FILE, generated)
  console.log(
    `Wrote ${SPEC_FILE} from ${OPENAPI_PACKAGE}@${OPENAPI_VERSION} (${OPERATIONS.length} operations).`
  )
}
