import type { Target } from '../../src/github/target.js'
import { DELETE_SPACING_MS, deleteAll } from '../../src/delete-runner/delete.js'
import type { Runner } from '../../src/delete-runner/list.js'

const target: Target = { scope: 'organization', org: 'octo' }
const runner = (id: number): Runner => ({
  id,
  name: `spot-${id}`,
  status: 'offline',
  busy: false,
  labels: []
})
const JSON_TYPE = { 'content-type': 'application/json' }
const answer = (status: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  message,
  response: { headers: { ...JSON_TYPE, ...headers }, data: { message } }
})

/** A client whose DELETE of runner N answers `answers[N]` (an error to throw), else 204; a fake clock. */
function setUp(answers: Record<number, unknown> = {}, missingOk = true) {
  let clock = 0
  const sent: { id: number; at: number }[] = []
  const slept: number[] = []
  const lines: string[] = []
  const warnings: string[] = []
  const client = {
    request: async (_route: string, params: { runner_id: string }) => {
      const id = Number(params.runner_id)
      sent.push({ id, at: clock })
      clock += 50
      if (answers[id] !== undefined) throw answers[id]
      return { status: 204 }
    }
  }
  const run = (runners: Runner[]) =>
    deleteAll(client as never, runners, {
      target,
      where: 'organization octo',
      apiUrl: 'https://api.github.com',
      timeoutS: 5,
      busyTimeoutS: 0,
      missingOk,
      log: { info: (l) => lines.push(l), debug: () => undefined, warning: (l) => warnings.push(l) },
      monotonicNow: () => clock,
      sleep: async (ms) => {
        slept.push(ms)
        clock += ms
      }
    })
  return { run, sent, slept, lines, warnings }
}

it('deletes one at a time, each DELETE a second after the previous one ended, with progress', async () => {
  const { run, sent, lines } = setUp()
  const outcomes = await run([runner(1), runner(2), runner(3)])
  expect(outcomes.map((o) => o.deleted)).toEqual([true, true, true])
  expect(sent.map((s) => s.at)).toEqual([0, 50 + DELETE_SPACING_MS, 2 * (50 + DELETE_SPACING_MS)])
  expect(lines).toEqual([
    'Deleted 1 of 3: spot-1 (id 1)',
    'Deleted 2 of 3: spot-2 (id 2)',
    'Deleted 3 of 3: spot-3 (id 3)'
  ])
})

it('goes on after a runner that cannot be deleted, keeping its failure', async () => {
  const { run, sent } = setUp({ 2: answer(500, 'Server Error') })
  const outcomes = await run([runner(1), runner(2), runner(3)])
  expect(sent.map((s) => s.id)).toEqual([1, 2, 3])
  expect(outcomes[1]).toMatchObject({ deleted: false, reason: 'the deletion failed' })
  expect(String(outcomes[1]?.error)).toContain('GitHub answered 500')
  expect(outcomes[2]).toMatchObject({ deleted: true })
})

it.each([
  [
    'a secondary rate limit',
    answer(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '600' })
  ],
  ['a plain 429', answer(429, 'Too Many Requests')]
])('stops at %s: the runners left are not tried, and the log says why', async (_, refusal) => {
  const { run, sent, warnings } = setUp({ 2: refusal })
  const outcomes = await run([runner(1), runner(2), runner(3), runner(4)])
  expect(sent.map((s) => s.id)).toEqual([1, 2])
  expect(outcomes.map((o) => o.reason)).toEqual([
    undefined,
    'the deletion failed',
    'not tried: rate limited',
    'not tried: rate limited'
  ])
  expect(warnings).toEqual([
    "GitHub's rate limit refused a deletion: the 2 runners left are not tried, since GitHub would refuse them too. Run the step again later."
  ])
})

it('says nothing of runners left when the rate-limited one was the last', async () => {
  const { run, warnings } = setUp({ 1: answer(429, 'Too Many Requests') })
  await run([runner(1)])
  expect(warnings).toEqual([])
})

it('counts a runner already gone as not deleted, or as a failure without missing-ok', async () => {
  const gone = answer(404, 'Not Found')
  const accepted = await setUp({ 1: gone }).run([runner(1)])
  expect(accepted).toEqual([
    {
      runner: runner(1),
      deleted: false,
      failed: false,
      reason: 'already deleted by something else'
    }
  ])
  const refused = await setUp({ 1: gone }, false).run([runner(1), runner(2)])
  expect(refused[0]).toMatchObject({ deleted: false, failed: true, reason: 'the deletion failed' })
  expect(String(refused[0]?.error)).toContain("Set 'missing-ok: true' to accept that.")
  expect(refused[1]).toMatchObject({ deleted: true })
})
