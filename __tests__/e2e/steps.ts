/**
 * What the end-to-end files share: each action run as a runner runs it at an `api-url` (no
 * retries unless asked), runner lists written by hand for hostile servers, and the checks of a
 * step that failed as it should.
 */
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { Simulator } from '../harness/github-simulator.ts'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import { expectNoLeak, parseCommand } from '../harness/runner-log.ts'
import { INPUT_TOKEN } from '../harness/test-servers.ts'

export const DELETE_RUNNER = join(REPO_ROOT, 'delete-runner')
export const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }
export const MINT_PATH = '/repos/octo-org/hello-world/actions/runners/remove-token'
export const LIST_PATH = '/orgs/octo-org/actions/runners'
/** Generous: a refusal takes well under a second; a run is killed (timedOut) after this. */
export const RUN_LIMIT_MS = 20_000

/** Runs the action in `actionDir` at `apiUrl` with `defaults` under the inputs a test gives. */
const runAt =
  (actionDir: string, defaults: Record<string, string> = {}) =>
  (apiUrl: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runAction({
      actionDir,
      inputs: { token: INPUT_TOKEN, 'api-url': apiUrl, retries: '0', ...defaults, ...inputs },
      github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
      env,
      timeoutMs: RUN_LIMIT_MS
    })

export const runMint = runAt(REPO_ROOT)
export const runDeleteRunner = runAt(DELETE_RUNNER, { org: 'octo-org', 'runner-name': 'spot-1' })

export const requests = (server: Simulator) => server.requests.map((s) => `${s.method} ${s.url}`)

/** A runner as GitHub lists it; `id` is raw JSON text, so that any number can be sent. */
export function runnerJson(id: string | number, name: string, status = 'offline'): string {
  return (
    `{"id":${id},"name":${JSON.stringify(name)},"os":"linux","status":${JSON.stringify(status)},` +
    '"busy":false,"labels":[{"id":1,"name":"self-hosted","type":"read-only"}]}'
  )
}

export function listPage(
  res: ServerResponse,
  runners: string[],
  total: number,
  next?: string
): void {
  res
    .writeHead(200, { ...JSON_TYPE, ...(next ? { link: `<${next}>; rel="next"` } : {}) })
    .end(`{"total_count":${total},"runners":[${runners.join(',')}]}`)
}

/** GitHub's error shape, written by hand (no `status` field, as some servers send). */
export function answerError(res: ServerResponse, status: number, message: string): void {
  res
    .writeHead(status, JSON_TYPE)
    .end(JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest' }))
}

/**
 * The step failed as it should: not killed, exit 1, no output, no summary, within `boundMs`, only
 * the action's own commands (its masks, debug lines and one error; the warnings a test expects),
 * only the expected masks, and no secret in any form anywhere.
 */
export function expectFailed(
  run: ActionRun,
  { secrets = [INPUT_TOKEN], masks = [INPUT_TOKEN], boundMs = 10_000, warnings = 0 } = {}
): void {
  expect(run.timedOut).toBe(false)
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.summary).toBe('')
  expect(run.durationMs).toBeLessThan(boundMs)
  expectOwnCommandsOnly(run, { masks, warnings })
  expect(run.commands.filter((c) => c.name === 'error')).toHaveLength(1)
  expect(run.stderr).toBe('')
  expectNoLeak(run, secrets)
}

export function expectOwnCommandsOnly(
  run: ActionRun,
  { masks = [INPUT_TOKEN], warnings = 0 } = {}
) {
  const names = run.commands.map((command) => command.name)
  expect(names.filter((name) => !['add-mask', 'debug', 'error', 'warning'].includes(name))).toEqual(
    []
  )
  expect(names.filter((name) => name === 'warning')).toHaveLength(warnings)
  expect(run.masked).toEqual(masks)
  for (const line of `${run.stdout}\n${run.stderr}`.split(/\r\n|\r|\n/)) {
    if (line.trimStart().startsWith('::')) {
      expect(['add-mask', 'debug', 'error', 'warning']).toContain(parseCommand(line)?.name)
    }
  }
  for (const line of run.log.split('\n')) expect(line).not.toMatch(/^Warning: .*INJECTED/)
}

/** The `::error::` line the step ended with, as written. */
export function errorLine(run: ActionRun): string {
  return run.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? ''
}
