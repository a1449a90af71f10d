/**
 * Running the sealed hand-off as two jobs of one workflow run would: the main action with
 * `seal-key` in one, unseal-token in another, each a bundle run as the runner runs it.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Simulator } from './github-simulator.ts'
import { REPO_ROOT, runAction, type ActionRun } from './run-action.ts'
import { INPUT_TOKEN } from './test-servers.ts'

/** What the runner sets for every job of one workflow run (the attempt is ignored on purpose). */
export const THIS_RUN = {
  GITHUB_REPOSITORY: 'octo-org/hello-world',
  GITHUB_REPOSITORY_ID: '123456789',
  GITHUB_RUN_ID: '20260001234',
  GITHUB_RUN_ATTEMPT: '1'
}

const NETWORK_PROBE = fileURLToPath(new URL('./network-probe.cjs', import.meta.url))
const ESM_PROBE = fileURLToPath(new URL('./esm-probe.mjs', import.meta.url))

/** A run, with the connections it opened and the ES module files it loaded. */
export interface ProbedRun extends ActionRun {
  connections: string[]
  modules: string[]
}

/** Runs a bundled action with both probes preloaded. */
async function probedRun(options: Parameters<typeof runAction>[0]): Promise<ProbedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'probes-'))
  try {
    const networkFile = join(dir, 'network')
    const esmFile = join(dir, 'esm')
    const run = await runAction({
      ...options,
      env: {
        ...options.env,
        NODE_OPTIONS: `--require ${NETWORK_PROBE} --import ${ESM_PROBE}`,
        NETWORK_PROBE_FILE: networkFile,
        ESM_PROBE_FILE: esmFile
      }
    })
    const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean)
    return { ...run, connections: await lines(networkFile), modules: await lines(esmFile) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The main action, minting from the simulator, in a job of the run `env` describes. */
export function mintStep(
  simulator: Simulator,
  inputs: Record<string, string>,
  env: Record<string, string> = THIS_RUN
): Promise<ProbedRun> {
  return probedRun({
    inputs: { token: INPUT_TOKEN, ...inputs },
    github: { api_url: simulator.url, repository: env.GITHUB_REPOSITORY ?? '' },
    env
  })
}

/** unseal-token in a job of the run `env` describes. */
export function unsealStep(
  inputs: Record<string, string>,
  env: Record<string, string> = THIS_RUN
): Promise<ProbedRun> {
  return probedRun({
    actionDir: join(REPO_ROOT, 'unseal-token'),
    inputs,
    // Where a request would go if unseal-token sent one; the probe shows that it does not.
    github: { api_url: 'http://127.0.0.1:9', repository: env.GITHUB_REPOSITORY ?? '' },
    env
  })
}

/** The chunks of a bundle (`dist/NNN.index.js`) holding jose that a run loaded. */
export const chunksLoaded = (run: ProbedRun) =>
  run.modules.filter(
    (url) =>
      /\/\d+\.index\.js$/.test(url) &&
      readFileSync(fileURLToPath(url), 'utf8').includes('JWEDecryptionFailed')
  )
