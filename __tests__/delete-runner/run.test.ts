/** delete-runner's modules, in process, against nock. */
import nock from 'nock'
import { createClient } from '../../src/github/client.js'
import { InputError } from '../../src/step/inputs.js'
import { listRunners, type Runner } from '../../src/delete-runner/list.js'
import { parseDeleteInputs, type RawDeleteInputs } from '../../src/delete-runner/inputs.js'
import { run } from '../../src/delete-runner/run.js'
import { describeRunner } from '../../src/delete-runner/choose.js'
import { deleteAll, type DeleteOptions } from '../../src/delete-runner/delete.js'
import { messageOf } from '../../src/step/errors.js'
import { UNSAFE_CHARACTERS } from '../step/unsafe-characters.js'
import type { Target } from '../../src/github/target.js'
import { inProcessAction } from '../harness/in-process.ts'
import { API, commonInputEnv, useNock } from '../github/nock-github.ts'

const TOKEN = 'ghp_deleteRunnerUnitTest0000000000000000'
const org: Target = { scope: 'organization', org: 'octo-org' }
const labels = [{ id: 1, name: 'self-hosted', type: 'read-only' }]
const listed = (...runners: Runner[]) => ({
  total_count: runners.length,
  runners: runners.map((r) => ({ ...r, os: 'linux', labels }))
})
const offline = (id: number, name: string): Runner => ({
  id,
  name,
  status: 'offline',
  busy: false,
  labels: []
})
const online = (id: number, name: string): Runner => ({ ...offline(id, name), status: 'online' })
const asListed = (runner: Runner): Runner => ({ ...runner, labels: ['self-hosted'] })
const client = () =>
  createClient({
    token: TOKEN,
    apiUrl: API,
    retries: 0,
    timeoutS: 5,
    log: { info() {}, debug() {}, warning() {} }
  })

useNock()

/** delete-runner's inputs as the runner passes them: one name, everything else default. */
const RAW: RawDeleteInputs = {
  token: TOKEN,
  owner: '',
  repo: '',
  org: 'octo-org',
  enterprise: '',
  apiUrl: API,
  retries: '3',
  timeout: '30',
  runnerName: 'spot-7',
  namePrefix: '',
  labels: '',
  maxDeletions: '',
  dryRun: '',
  onlyOffline: '',
  busyTimeout: '',
  missingOk: '',
  gracePeriod: '',
  runnerGroup: '',
  excludeNames: '',
  excludeLabels: ''
}

describe('parseDeleteInputs', () => {
  const raw = RAW

  it('takes the defaults for empty inputs', () => {
    expect(parseDeleteInputs(raw, {})).toMatchObject({
      target: org,
      choice: { by: 'names', names: ['spot-7'] },
      maxDeletions: 20,
      dryRun: false,
      onlyOffline: true,
      busyTimeoutS: 0,
      missingOk: true,
      gracePeriodS: 0,
      runnerGroup: undefined,
      exclude: { names: [], labels: [] }
    })
  })

  it('takes the safety inputs', () => {
    expect(
      parseDeleteInputs(
        {
          ...raw,
          gracePeriod: '3600',
          runnerGroup: 'GPU fleet',
          excludeNames: 'keep-1\n keep-2 ',
          excludeLabels: 'placeholder, Maintenance\nx'
        },
        {}
      )
    ).toMatchObject({
      gracePeriodS: 3600,
      runnerGroup: 'GPU fleet',
      exclude: { names: ['keep-1', 'keep-2'], labels: ['placeholder', 'Maintenance', 'x'] }
    })
  })

  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads %p as %p', (value, expected) => {
    const inputs = parseDeleteInputs({ ...raw, onlyOffline: value, missingOk: value }, {})
    expect(inputs.onlyOffline).toBe(expected)
    expect(inputs.missingOk).toBe(expected)
  })

  it.each(['0', '0.5', '600', '3600'])('takes busy-timeout %p', (busyTimeout) => {
    expect(parseDeleteInputs({ ...raw, busyTimeout }, {}).busyTimeoutS).toBe(Number(busyTimeout))
  })

  it.each([
    [{ runnerName: '' }, "Input 'runner-name' is empty"],
    [{ onlyOffline: 'yes' }, 'Input \'only-offline\' is "yes": give true or false (default true).'],
    [{ missingOk: 'no' }, 'Input \'missing-ok\' is "no": give true or false (default true).'],
    ...['-1', '3601', '1.5', '30s'].map((gracePeriod) => [
      { gracePeriod },
      `Input 'grace-period' is ${JSON.stringify(gracePeriod)}: give the seconds between the two listings, a whole number from 0 to 3600`
    ]),
    [{ runnerGroup: 'g'.repeat(129) }, "Input 'runner-group' is"],
    [{ runnerGroup: 'a\u200bb' }, 'Input \'runner-group\' is "a\\u200bb"'],
    [{ excludeNames: 'a\tb' }, "Input 'exclude-names' is"],
    [{ excludeLabels: 'a\u0007b' }, 'Input \'exclude-labels\' has "a\\u0007b"'],
    [
      { runnerName: 'spot-1, spot-2' },
      'Input \'runner-name\' has "spot-1, spot-2" on one line: give one name per line.'
    ],
    [
      { org: '', owner: 'o', repo: 'r', runnerGroup: 'g' },
      "Input 'runner-group' is set, but the scope is a repository"
    ]
  ] as [Partial<RawDeleteInputs>, string][])('refuses %o', (bad, message) => {
    expect(() => parseDeleteInputs({ ...raw, ...bad }, {})).toThrow(message)
  })

  it('holds a runner name to the 64 characters GitHub allows', () => {
    expect(parseDeleteInputs({ ...raw, runnerName: 'x'.repeat(64) }, {}).choice).toEqual({
      by: 'names',
      names: ['x'.repeat(64)]
    })
    expect(() => parseDeleteInputs({ ...raw, runnerName: 'x'.repeat(65) }, {})).toThrow(
      'is at most 64 characters'
    )
  })

  it('keeps spaces and case in a runner name', () => {
    expect(parseDeleteInputs({ ...raw, runnerName: 'Build Box 7' }, {}).choice).toEqual({
      by: 'names',
      names: ['Build Box 7']
    })
  })

  it('lists every problem of both kinds of input at once', () => {
    expect(() =>
      parseDeleteInputs({ ...raw, token: '', runnerName: 'x'.repeat(257), busyTimeout: 'soon' }, {})
    ).toThrow(InputError)
    try {
      parseDeleteInputs({ ...raw, token: '', runnerName: 'x'.repeat(257), busyTimeout: 'soon' }, {})
    } catch (error) {
      const message = (error as Error).message
      expect(message).toContain("- Input 'token' is empty")
      expect(message).toContain("- Input 'runner-name' is")
      expect(message).toContain('- Input \'busy-timeout\' is "soon"')
    }
  })
})

describe('choosing runners (parseDeleteInputs)', () => {
  const raw: RawDeleteInputs = { ...RAW, runnerName: '' }
  const choose = (inputs: Partial<RawDeleteInputs>) => parseDeleteInputs({ ...raw, ...inputs }, {})

  it('takes several names, one per line, trimmed, blank lines ignored', () => {
    expect(choose({ runnerName: ' a \n\n b\r\nc ' }).choice).toEqual({
      by: 'names',
      names: ['a', 'b', 'c']
    })
  })

  it('takes a prefix and labels separated by commas or line breaks', () => {
    expect(choose({ namePrefix: 'spot-', labels: 'gpu, Linux\nx64,' }).choice).toEqual({
      by: 'selector',
      prefix: 'spot-',
      labels: ['gpu', 'Linux', 'x64']
    })
    expect(choose({ labels: 'gpu' }).choice).toEqual({
      by: 'selector',
      prefix: undefined,
      labels: ['gpu']
    })
  })

  it('takes max-deletions from 1 to 1000 and dry-run', () => {
    expect(choose({ namePrefix: 'a', maxDeletions: '1', dryRun: 'true' })).toMatchObject({
      maxDeletions: 1,
      dryRun: true
    })
    expect(choose({ namePrefix: 'a', maxDeletions: '1000' }).maxDeletions).toBe(1000)
  })

  it.each([
    [{}, "Input 'runner-name' is empty and no selector is set"],
    [
      { runnerName: 'a', namePrefix: 'b' },
      "Inputs 'runner-name' and 'name-prefix'/'labels' are both set"
    ],
    [
      { runnerName: 'a', labels: 'b' },
      "Inputs 'runner-name' and 'name-prefix'/'labels' are both set"
    ],
    [{ namePrefix: 'a', onlyOffline: 'false' }, "Input 'only-offline' is false, but a selector"],
    [{ namePrefix: 'a', onlyOffline: 'FALSE' }, "Input 'only-offline' is false, but a selector"],
    [{ namePrefix: 'a', onlyOffline: 'False' }, "Input 'only-offline' is false, but a selector"],
    [{ runnerName: 'a\nb\na' }, 'Input \'runner-name\' lists "a" twice'],
    [{ namePrefix: 'x'.repeat(65) }, "Input 'name-prefix' is"],
    [{ labels: 'a\u0007b' }, 'Input \'labels\' has "a\\u0007b"'],
    [{ labels: 'l'.repeat(257) }, "Input 'labels' has"],
    [{ namePrefix: 'a', maxDeletions: '0' }, 'Input \'max-deletions\' is "0"'],
    [{ namePrefix: 'a', maxDeletions: '1001' }, 'Input \'max-deletions\' is "1001"'],
    [{ namePrefix: 'a', maxDeletions: '2.5' }, 'Input \'max-deletions\' is "2.5"'],
    [
      { namePrefix: 'a', dryRun: 'yes' },
      'Input \'dry-run\' is "yes": give true or false (default false).'
    ]
  ])('refuses %o', (inputs, message) => {
    expect(() => choose(inputs)).toThrow(message)
  })

  it.each(UNSAFE_CHARACTERS)(
    "refuses %s in 'runner-name', 'name-prefix' and 'labels', showing it escaped",
    (_, character) => {
      const value = `a${character}b`
      const shown = JSON.stringify(value)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/gu, (c) =>
          [...Array(c.length).keys()]
            .map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`)
            .join('')
        )
      // A line break in 'runner-name' separates two names; everywhere else it is refused.
      if (!/[\n\r]/.test(character)) {
        expect(() => choose({ runnerName: value })).toThrow(`Input 'runner-name' is "${shown}"`)
      }
      expect(() => choose({ namePrefix: value })).toThrow(`Input 'name-prefix' is "${shown}"`)
      if (!/[\n\r]/.test(character)) {
        expect(() => choose({ labels: value })).toThrow(`Input 'labels' has "${shown}"`)
      }
    }
  )
})

describe('listRunners', () => {
  it('follows every page with the name filter', async () => {
    nock(API)
      .get('/orgs/octo-org/actions/runners')
      .query({ name: 'spot-7', per_page: '100' })
      .reply(
        200,
        { ...listed(offline(1, 'Spot-7'), offline(2, 'other')), total_count: 3 },
        {
          link: `<${API}/orgs/octo-org/actions/runners?name=spot-7&per_page=100&page=2>; rel="next"`
        }
      )
      .get('/orgs/octo-org/actions/runners')
      .query({ name: 'spot-7', per_page: '100', page: '2' })
      .reply(200, { ...listed(offline(7, 'spot-7')), total_count: 3 })
    const listing = await listRunners(await client(), org, {
      apiUrl: API,
      timeoutS: 5,
      name: 'spot-7'
    })
    expect(listing).toEqual({
      runners: [offline(1, 'Spot-7'), offline(2, 'other'), offline(7, 'spot-7')].map(asListed),
      pages: 2
    })
  })

  it('explains a refused listing', async () => {
    nock(API).get('/orgs/octo-org/actions/runners').query(true).reply(404, { message: 'Not Found' })
    await expect(listRunners(await client(), org, { apiUrl: API, timeoutS: 5 })).rejects.toThrow(
      'GET /orgs/octo-org/actions/runners for organization octo-org failed. GitHub answered 404'
    )
  })
})

describe('describeRunner', () => {
  it('says when a runner is busy', () => {
    expect(describeRunner({ id: 3, name: 'b', status: 'online', busy: true, labels: [] })).toBe(
      "'b' (id 3, online, busy)"
    )
  })
})

describe('deleteAll, against the client', () => {
  const path = '/orgs/octo-org/actions/runners/7'
  const busy = {
    message: 'Bad request - Runner "spot-7" is still running a job"',
    documentation_url: 'x'
  }

  /** Deletes runner 7 (or `runner`), with a fake clock unless `realTime`; its outcome, log and waits. */
  async function deleteSpot7(
    options: Partial<DeleteOptions> & { realTime?: boolean } = {},
    runner = offline(7, 'spot-7'),
    using?: Parameters<typeof deleteAll>[0]
  ) {
    let time = 0
    const waits: number[] = []
    const lines: string[] = []
    const fakeClock = {
      monotonicNow: () => time,
      sleep: async (ms: number) => {
        waits.push(ms)
        time += ms
      }
    }
    const [outcome] = await deleteAll(using ?? (await client()), [runner], {
      target: org,
      where: 'organization octo-org',
      apiUrl: API,
      timeoutS: 5,
      busyTimeoutS: 0,
      missingOk: true,
      log: { info: (line) => lines.push(line), debug() {}, warning() {} },
      ...(options.realTime ? {} : fakeClock),
      ...options
    })
    // The spacing before the first deletion is no wait.
    return { outcome, error: messageOf(outcome?.error), lines, waits: waits.filter(Boolean) }
  }

  it('deletes at once when GitHub allows it', async () => {
    const api = nock(API).delete(path).reply(204)
    const { outcome, lines } = await deleteSpot7()
    expect(outcome).toMatchObject({ deleted: true })
    expect(lines).toEqual(['Deleted 1 of 1: spot-7 (id 7)'])
    expect(api.isDone()).toBe(true)
  })

  it('waits 1, 2, 4 s while the runner is busy, within busy-timeout', async () => {
    nock(API).delete(path).times(3).reply(422, busy).delete(path).reply(204)
    const { outcome, lines, waits } = await deleteSpot7({ busyTimeoutS: 60 })
    expect(outcome).toMatchObject({ deleted: true })
    expect(waits).toEqual([1000, 2000, 4000])
    expect(lines[0]).toBe(
      "Runner 'spot-7' is running a job (GitHub answered 422); trying again in 1.0 s ('busy-timeout' ends in 60.0 s)"
    )
  })

  it('never waits past busy-timeout, then says so', async () => {
    nock(API).delete(path).times(4).reply(422, busy, { 'x-github-request-id': 'AB12:CD34:EF56' })
    const { error, waits } = await deleteSpot7({ busyTimeoutS: 2.5 })
    expect(error).toBe(
      "Runner 'spot-7' (id 7) of organization octo-org is still running a job after 2.5 s: GitHub " +
        'answered 422: "Bad request - Runner \\"spot-7\\" is still running a job\\"" (request ID AB12:CD34:EF56). ' +
        "Wait for the job to finish or cancel it, or set 'busy-timeout' to the seconds this step may wait for it."
    )
    expect(waits).toEqual([1000, 1500])
  })

  it.each([
    [
      'a 422 without a message, for a runner listed as busy',
      () => nock(API).delete(path).reply(422, ''),
      { ...offline(7, 'spot-7'), busy: true },
      0,
      'is still running a job: GitHub answered 422. Wait for the job',
      'busy'
    ],
    [
      'a 422 that is not about a running job, at once',
      () =>
        nock(API).delete(path).reply(422, {
          message: 'Validation Failed: runner is managed by GitHub',
          documentation_url: 'x'
        }),
      offline(7, 'spot-7'),
      60,
      'GitHub answered 422: "Validation Failed: runner is managed by GitHub"',
      'the deletion failed'
    ],
    [
      'any other refusal',
      () => nock(API).delete(path).reply(403, { message: 'Must have admin rights to Repository.' }),
      offline(7, 'spot-7'),
      30,
      'DELETE /orgs/octo-org/actions/runners/7 for organization octo-org failed. GitHub answered 403',
      'the deletion failed'
    ]
  ])('explains %s', async (_, answer, runner, busyTimeoutS, words, reason) => {
    const api = answer()
    const { outcome, error } = await deleteSpot7({ busyTimeoutS }, runner)
    expect(outcome).toMatchObject({
      deleted: false,
      failed: true,
      reason
    })
    expect(error).toContain(words)
    expect(api.isDone()).toBe(true)
  })

  it('explains a failure that did not come through the retry loop', async () => {
    const failing = { request: () => Promise.reject(new Error('socket closed')) }
    const { error } = await deleteSpot7({}, offline(7, 'spot-7'), failing as never)
    expect(error).toContain('the connection failed before GitHub answered: socket closed.')
  })

  it('is not deleted, and says why, when GitHub no longer knows the runner', async () => {
    nock(API).delete(path).reply(404, { message: 'Not Found' })
    const { outcome } = await deleteSpot7()
    expect(outcome).toMatchObject({
      deleted: false,
      failed: false,
      reason: 'already deleted by something else'
    })
  })

  it('is deleted when a retried attempt finds it gone: the lost attempt deleted it', async () => {
    nock(API).delete(path).reply(502, {}).delete(path).reply(404, { message: 'Not Found' })
    const retrying = await createClient({
      token: TOKEN,
      apiUrl: API,
      retries: 1,
      timeoutS: 5,
      log: { info() {}, debug() {}, warning() {} },
      random: () => 0,
      sleep: async () => undefined
    })
    const { outcome } = await deleteSpot7({}, offline(7, 'spot-7'), retrying)
    expect(outcome).toMatchObject({ deleted: true })
  })

  it('waits with real clocks and timers by default', async () => {
    nock(API).delete(path).reply(422, busy).delete(path).reply(204)
    const started = Date.now()
    const { outcome } = await deleteSpot7({ busyTimeoutS: 5, realTime: true })
    expect(outcome).toMatchObject({ deleted: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})

describe('run', () => {
  const action = inProcessAction(() => ({
    ...commonInputEnv(TOKEN),
    INPUT_ORG: 'octo-org',
    'INPUT_RUNNER-NAME': 'spot-<7>',
    'INPUT_NAME-PREFIX': '',
    INPUT_LABELS: '',
    'INPUT_MAX-DELETIONS': '20',
    'INPUT_DRY-RUN': 'false',
    'INPUT_ONLY-OFFLINE': 'true',
    'INPUT_BUSY-TIMEOUT': '0',
    'INPUT_MISSING-OK': 'true'
  }))
  const { outputs, summary } = action
  const LIST = '/orgs/octo-org/actions/runners'
  /** GitHub lists these runners; chain what it answers to each DELETE. */
  const listing = (...runners: Runner[]) =>
    nock(API)
      .get(LIST)
      .query(true)
      .reply(200, listed(...runners))

  it('deletes the runner, sets the outputs and writes an escaped summary', async () => {
    listing(offline(7, 'spot-<7>')).delete(`${LIST}/7`).reply(204)
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(await outputs()).toMatch(/deleted<<.*\ntrue\n.*deleted-count<<.*\n1\n/s)
    expect(await outputs()).toContain(
      '[{"id":7,"name":"spot-<7>","status":"offline","deleted":true}]'
    )
    expect(await summary()).toContain('spot-&#60;7&#62;')
    expect(await summary()).toContain('Deleted 1 of 1 runners chosen in organization octo-org.')
    expect(action.stdout()).toContain('Deleted 1 of 1: spot-<7> (id 7)')
    expect(action.stdout().replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN)
  })

  it('succeeds with deleted=false when there is none and missing-ok is true', async () => {
    listing()
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(await outputs()).toMatch(/deleted<<.*\nfalse\n.*runners<<.*\n\[\]\n/s)
    expect(await summary()).toContain(
      'Deleted 0 of 0 runners chosen in organization octo-org; no runner is named &#39;spot-&#60;7&#62;&#39;.'
    )
  })

  it.each([
    [
      'there is none and missing-ok is false',
      { 'INPUT_MISSING-OK': 'false' },
      [],
      ["set 'missing-ok: true' if it may be gone"]
    ],
    [
      'two runners have the name',
      {},
      [offline(7, 'spot-<7>'), offline(8, 'spot-<7>')],
      ['(ids 7, 8): refusing to guess']
    ],
    [
      'the runner is online',
      {},
      [online(7, 'spot-<7>')],
      ["::error::Runner 'spot-<7>' (id 7, online) of organization octo-org is online"]
    ],
    [
      'several are refused, listing every refusal at once',
      { 'INPUT_RUNNER-NAME': 'a\nb' },
      [online(1, 'a'), offline(2, 'b'), offline(3, 'b')],
      [
        "::error::Nothing was deleted:%0A- Runner 'a' (id 1, online)",
        "%0A- 2 runners of organization octo-org are named 'b'"
      ]
    ]
  ])('fails with no output, deleting nothing, when %s', async (_, env, runners, words) => {
    Object.assign(process.env, env)
    listing(...runners)
    await run()
    expect(process.exitCode).toBe(1)
    expect(await outputs()).toBe('')
    for (const word of words) expect(action.stdout()).toContain(word)
  })

  it('says which runner differs only in case', async () => {
    listing(offline(9, 'SPOT-<7>'))
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(action.stdout()).toContain("'SPOT-<7>' (id 9, offline) differs only in case")
  })

  it('succeeds with deleted=false when the runner vanishes before the deletion', async () => {
    listing(offline(7, 'spot-<7>')).delete(`${LIST}/7`).reply(404, { message: 'Not Found' })
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(await outputs()).toContain('"reason":"already deleted by something else"')
    expect(await summary()).toContain('<td>already deleted by something else</td>')
    expect(action.stdout()).toContain('was deleted by something else after it was listed')
  })

  it('fails when the runner vanishes and missing-ok is false, as a fleet does', async () => {
    process.env['INPUT_MISSING-OK'] = 'false'
    listing(offline(7, 'spot-<7>')).delete(`${LIST}/7`).reply(404, { message: 'Not Found' })
    await run()
    expect(process.exitCode).toBe(1)
    expect(await outputs()).toContain('"reason":"the deletion failed"')
    expect(action.stdout()).toContain(
      "Deleted 0 of 1 runners of organization octo-org; not deleted:%0A- 'spot-<7>' (id 7, offline): Runner"
    )
    expect(action.stdout()).toContain("Set 'missing-ok: true' to accept that.")
  })

  it('deletes several, a second apart; one that fails does not stop the others, and the step says so', async () => {
    process.env['INPUT_RUNNER-NAME'] = 'a\nb\nc'
    listing(offline(1, 'a'), offline(2, 'b'), offline(3, 'c'))
      .delete(`${LIST}/1`)
      .reply(204)
      .delete(`${LIST}/2`)
      .reply(500, { message: 'Server Error' })
      .delete(`${LIST}/3`)
      .reply(404, { message: 'Not Found' })
    const started = Date.now()
    await run()
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900)
    expect(process.exitCode).toBe(1)
    const written = await outputs()
    expect(written).toMatch(/deleted<<.*\ntrue\n.*deleted-count<<.*\n1\n/s)
    expect(written).toContain(
      '[{"id":1,"name":"a","status":"offline","deleted":true},' +
        '{"id":2,"name":"b","status":"offline","deleted":false,"reason":"the deletion failed"},' +
        '{"id":3,"name":"c","status":"offline","deleted":false,"reason":"already deleted by something else"}]'
    )
    expect(action.stdout()).toContain('Deleted 1 of 3: a (id 1)')
    expect(action.stdout()).toContain(
      "Deleted 1 of 3 runners of organization octo-org; not deleted:%0A- 'b' (id 2, offline): DELETE"
    )
    expect(await summary()).toContain('Deleted 1 of 3 runners chosen in organization octo-org.')
  })

  it('when every deletion fails, names each runner, and still sets the outputs and the summary', async () => {
    process.env['INPUT_RUNNER-NAME'] = 'a\nb'
    listing(offline(1, 'a'), offline(2, 'b'))
      .delete(`${LIST}/1`)
      .reply(500, { message: 'Server Error' })
      .delete(`${LIST}/2`)
      .reply(500, { message: 'Server Error' })
    await run()
    expect(process.exitCode).toBe(1)
    const written = await outputs()
    expect(written).toMatch(/deleted<<.*\nfalse\n.*deleted-count<<.*\n0\n/s)
    expect(written).toContain('"reason":"the deletion failed"')
    expect(action.stdout()).toContain("not deleted:%0A- 'a' (id 1, offline): DELETE")
    expect(action.stdout()).toContain("%0A- 'b' (id 2, offline): DELETE")
    expect(await summary()).toContain('Deleted 0 of 2 runners chosen')
  })

  it('stops at a rate limit, reports the rest as not tried, and warns of a prefix that looks like a pattern', async () => {
    process.env['INPUT_RUNNER-NAME'] = ''
    process.env['INPUT_NAME-PREFIX'] = 'spot-*'
    listing(offline(1, 'spot-*1'), offline(2, 'spot-*2'))
      .delete(`${LIST}/1`)
      .reply(429, { message: 'Too Many Requests' })
    await run()
    expect(process.exitCode).toBe(1)
    expect(action.stdout()).toContain(
      "::warning::'name-prefix' is 'spot-*': it is matched literally"
    )
    expect(action.stdout()).toContain("%0A- 'spot-*2' (id 2, offline): not tried: rate limited")
    expect(await outputs()).toContain('"reason":"not tried: rate limited"')
  })

  it('a dry run with a selector reports, skips online runners, and deletes nothing', async () => {
    process.env['INPUT_RUNNER-NAME'] = ''
    process.env['INPUT_NAME-PREFIX'] = 'spot-'
    process.env['INPUT_DRY-RUN'] = 'true'
    listing(offline(1, 'spot-1'), online(2, 'spot-2'), offline(3, 'other'))
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(await outputs()).toContain(
      '[{"id":1,"name":"spot-1","status":"offline","deleted":false,"reason":"dry run"},' +
        '{"id":2,"name":"spot-2","status":"online","deleted":false,"reason":"online"}]'
    )
    expect(action.stdout()).toContain(
      "Left alone 1 matching runners (online): 'spot-2' (id 2, online)"
    )
    const written = await summary()
    expect(written).toContain(
      'Dry run: 1 runners of organization octo-org would be deleted; 1 left alone; nothing was deleted.'
    )
    expect(written).toContain('<tr><td>spot-2</td><td>2</td><td>online</td><td>online</td></tr>')
  })

  it('a selector that deletes reports how many it left alone', async () => {
    process.env['INPUT_RUNNER-NAME'] = ''
    process.env.INPUT_LABELS = 'gpu'
    nock(API)
      .get(LIST)
      .query(true)
      .reply(200, {
        total_count: 2,
        runners: [
          { id: 1, name: 'g-1', status: 'offline', busy: false, labels: [{ name: 'GPU' }] },
          { id: 2, name: 'g-2', status: 'online', busy: true, labels: [{ name: 'gpu' }] }
        ]
      })
      .delete(`${LIST}/1`)
      .reply(204)
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(await summary()).toContain(
      'Deleted 1 of 1 runners chosen in organization octo-org; 1 left alone.\ndeleted: 1, online: 1'
    )
  })

  it('with a grace period and a runner group: lists the group twice, and deletes only what stayed idle', async () => {
    process.env['INPUT_RUNNER-NAME'] = ''
    process.env['INPUT_NAME-PREFIX'] = 'spot-'
    process.env['INPUT_GRACE-PERIOD'] = '1'
    process.env['INPUT_RUNNER-GROUP'] = 'gpu'
    const GROUPS = '/orgs/octo-org/actions/runner-groups'
    nock(API)
      .get(GROUPS)
      .query(true)
      .reply(200, { total_count: 1, runner_groups: [{ id: 7, name: 'gpu' }] })
      .get(`${GROUPS}/7/runners`)
      .query(true)
      .reply(200, listed(offline(1, 'spot-1'), offline(2, 'spot-2'), offline(3, 'spot-3')))
      .get(`${GROUPS}/7/runners`)
      .query(true)
      .reply(200, listed(offline(1, 'spot-1'), online(2, 'spot-2'), offline(3, 'spot-3')))
      .delete(`${LIST}/1`)
      .reply(204)
      .delete(`${LIST}/3`)
      .reply(422, { message: 'Bad request - Runner "spot-3" is still running a job' })
    await run()
    expect(process.exitCode).toBeUndefined()
    const stdout = action.stdout()
    expect(stdout).toContain(
      'Grace period: listing again in 1 s; only runners offline and idle in both listings can be deleted'
    )
    expect(stdout).toContain("Listed 3 runners in runner group 'gpu' (1 pages)")
    expect(stdout).toContain(
      "Left alone 1 matching runners (changed during the grace period): 'spot-2' (id 2, online)"
    )
    expect(stdout).toContain('is still running a job: GitHub answered 422')
    expect(stdout).toContain('Left alone as busy.')
    expect(await outputs()).toContain(
      '{"deleted":1,"not deleted":1,"online":0,"busy":0,"excluded":0,' +
        '"changed during the grace period":1,"new during the grace period":0,"not matched":0}'
    )
  })

  it('lists at most 100 runners left alone, and counts the rest', async () => {
    process.env['INPUT_RUNNER-NAME'] = ''
    process.env['INPUT_NAME-PREFIX'] = 'spot-'
    process.env['INPUT_DRY-RUN'] = 'true'
    const many = Array.from({ length: 100 }, (_, i) => online(i + 1, `spot-${i + 1}`))
    nock(API)
      .get(LIST)
      .query(true)
      .reply(
        200,
        { ...listed(...many), total_count: 102 },
        { link: `<${API}${LIST}?page=2>; rel="next"` }
      )
      .get(LIST)
      .query(true)
      .reply(200, { ...listed(online(101, 'spot-101'), online(102, 'spot-102')), total_count: 102 })
    await run()
    expect(process.exitCode).toBeUndefined()
    const runners = /runners<<.*\n(.*)\n/.exec(await outputs())?.[1]
    expect(JSON.parse(runners ?? '[]')).toHaveLength(100)
    expect(await outputs()).toContain('"online":102')
    expect(await summary()).toContain('and 2 more left alone')
  })
})
