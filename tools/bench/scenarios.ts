/**
 * What `npm run bench` runs for each action: the action itself, as a runner runs it; its peer, a
 * github-script-like ncc bundle of @actions/core + @actions/github making the same calls; and its
 * floor, a CommonJS node:https script making the same calls and nothing else. All three get the
 * same environment (INPUT_*, GITHUB_OUTPUT, ...) and are checked after every run: the requests the
 * server saw, and the outputs set.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  inputEnvironment,
  readActionMetadata,
  REPO_ROOT
} from '../../__tests__/harness/run-action.ts'
import { Contract } from '../../__tests__/harness/github-contract.ts'

export const ACTIONS = ['remove-token', 'delete-runner'] as const
export type ActionName = (typeof ACTIONS)[number]
export type Role = 'action' | 'peer' | 'floor'

export interface Variant {
  label: string
  action?: ActionName
  role?: Role
  args: string[]
  env: StepEnvironment
  /** The requests a run must make (`METHOD path`), in order. */
  requests: string[]
  /** The outputs a run must set (GITHUB_OUTPUT), with their values. */
  outputs: Record<string, string>
}

export interface Bundle {
  label: string
  files: { name: string; bytes: number }[]
}

export const TOKEN = 'ghp_benchToken000000000000000000000000000'
const OWNER = 'octo-org'
const REPO = 'hello-world'
// The simulator answers with GitHub's documented examples: the token it mints, and a list of
// runners in which the benchmarks delete the offline one (which is never gone).
const contract = new Contract()
const MINTED = contract.example('actions/create-remove-token-for-repo').json as Record<
  string,
  string
>
const LISTED = contract.example('actions/list-self-hosted-runners-for-org').json as {
  runners: { id: number; name: string; status: string }[]
}
const offline = LISTED.runners.find((runner) => runner.status === 'offline')
if (!offline) throw new Error("GitHub's example list of runners has no offline runner")

interface Plan {
  dir: string
  inputs: Record<string, string>
  floor: string
  floorUrl: (apiUrl: string) => string
  requests: string[]
  outputs: Record<string, string>
}

const PLANS: Record<ActionName, Plan> = {
  // Repository scope, from GITHUB_REPOSITORY, as with no scope input.
  'remove-token': {
    dir: REPO_ROOT,
    inputs: { token: TOKEN },
    floor: 'floor.cjs',
    floorUrl: (api) => `${api}/repos/${OWNER}/${REPO}/actions/runners/remove-token`,
    requests: [`POST /repos/${OWNER}/${REPO}/actions/runners/remove-token`],
    outputs: { token: String(MINTED.token), expires_at: String(MINTED.expires_at) }
  },
  // Organization scope; the runner to delete is the offline one of a listed few.
  'delete-runner': {
    dir: join(REPO_ROOT, 'delete-runner'),
    inputs: { token: TOKEN, org: OWNER, 'runner-name': offline.name },
    floor: 'floor-delete-runner.cjs',
    floorUrl: (api) => `${api}/orgs/${OWNER}/actions/runners`,
    requests: [
      `GET /orgs/${OWNER}/actions/runners`,
      `DELETE /orgs/${OWNER}/actions/runners/${offline.id}`
    ],
    outputs: { deleted: 'true', 'deleted-count': '1' }
  }
}

type StepEnvironment = Record<string, string> & {
  GITHUB_OUTPUT: string
  GITHUB_STEP_SUMMARY: string
  /** Where rss-probe.cjs writes the peak RSS. */
  RSS_PROBE_FILE: string
}

/**
 * The environment a runner gives a step, as run-action.ts builds it, in `temp`; `caFile` is the
 * simulator's self-signed certificate, trusted alike by every variant.
 */
function stepEnvironment(
  temp: string,
  apiUrl: string,
  caFile: string,
  inputs: Record<string, string>
): StepEnvironment {
  return {
    NODE_EXTRA_CA_CERTS: caFile,
    PATH: process.env.PATH ?? '',
    HOME: temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: apiUrl,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary'),
    RUNNER_TEMP: temp,
    RSS_PROBE_FILE: join(temp, 'rss'),
    ...inputs
  }
}

/**
 * The three variants of `action`, its peer bundled into `temp` now. `main` runs another bundle of
 * the action (a prototype built elsewhere) in place of the committed one.
 */
export async function variantsOf(
  action: ActionName,
  apiUrl: string,
  caFile: string,
  temp: string,
  main?: string
): Promise<{ variants: Variant[]; bundles: Bundle[] }> {
  const plan = PLANS[action]
  const metadata = await readActionMetadata(plan.dir)
  const env = stepEnvironment(
    temp,
    apiUrl,
    caFile,
    inputEnvironment(metadata, plan.inputs, { api_url: apiUrl, repository: `${OWNER}/${REPO}` })
  )
  main ??= join(plan.dir, metadata.runs.main)
  const peer = bundlePeer(action, join(temp, `peer-${action}`))
  const floor = join(REPO_ROOT, 'tools', 'bench', plan.floor)
  const variant = (role: Role, args: string[]): Variant => ({
    label: `${action} ${role}`,
    action,
    role,
    args,
    env,
    requests: plan.requests,
    outputs: role === 'floor' ? {} : plan.outputs
  })
  // What sealing adds (jose's chunk, the encryption): the mint with `seal-key`, in the table only.
  // A fixed key: nothing here is secret, and the same bytes every run.
  const sealed: Variant[] =
    action === 'remove-token'
      ? [
          {
            label: `${action} action, seal-key`,
            action,
            args: [main],
            env: {
              ...env,
              'INPUT_SEAL-KEY': Buffer.alloc(32, 7).toString('base64'),
              GITHUB_REPOSITORY_ID: '1',
              GITHUB_RUN_ID: '1'
            },
            requests: plan.requests,
            outputs: plan.outputs
          }
        ]
      : []
  return {
    variants: [
      variant('action', [main]),
      variant('peer', [peer]),
      variant('floor', [floor, plan.floorUrl(apiUrl)]),
      ...sealed
    ],
    bundles: [
      { label: `${action} action`, files: scripts(main) },
      { label: `${action} peer`, files: scripts(peer) },
      { label: `${action} floor`, files: [{ name: plan.floor, bytes: statSync(floor).size }] }
    ]
  }
}

/** `node -e ''`: what starting Node costs at all. */
export function bareNode(temp: string, apiUrl: string, caFile: string): Variant {
  return {
    label: "node -e ''",
    args: ['-e', ''],
    env: stepEnvironment(temp, apiUrl, caFile, {}),
    requests: [],
    outputs: {}
  }
}

/** ncc, plain as the action's bundle.sh runs it, of tools/bench/peer/<action>.js into `out`. */
function bundlePeer(action: ActionName, out: string): string {
  const ncc = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  const source = join(REPO_ROOT, 'tools', 'bench', 'peer', `${action}.js`)
  const built = spawnSync(process.execPath, [ncc, 'build', source, '-o', out, '--quiet'], {
    encoding: 'utf8'
  })
  if (built.status !== 0) throw new Error(`ncc could not bundle ${source}:\n${built.stderr}`)
  const packageJson = join(out, 'package.json')
  if (!existsSync(packageJson)) writeFileSync(packageJson, '{"type":"module"}\n')
  return join(out, 'index.js')
}

/** The entry script and the chunks beside it that it may import (`*.index.js`). */
function scripts(main: string): Bundle['files'] {
  const dir = join(main, '..')
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : a.localeCompare(b)))
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size }))
}
