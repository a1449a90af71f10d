import {
  chooseRunners,
  describeRunner,
  foldLabel,
  graceChanges,
  missingSentence
} from '../../src/delete-runner/choose.js'
import type { Runner } from '../../src/delete-runner/list.js'

const runner = (
  id: number,
  name: string,
  status = 'offline',
  labels = ['self-hosted'],
  busy = false
): Runner => ({
  id,
  name,
  status,
  busy,
  labels
})
const options = {
  where: 'organization octo',
  onlyOffline: true,
  missingOk: true,
  maxDeletions: 20,
  exclude: { names: [], labels: [] }
}
const listed = [
  runner(1, 'spot-1'),
  runner(2, 'spot-2', 'online', ['self-hosted', 'GPU'], true),
  runner(3, 'spot-3', 'offline', ['self-hosted', 'gpu', 'Linux']),
  runner(4, 'Spot-4'),
  runner(5, 'twin'),
  runner(6, 'twin'),
  runner(7, 'build-7', 'offline', ['GPU'])
]

describe('by names', () => {
  it('chooses each exact name, in the order listed', () => {
    const plan = chooseRunners(listed, { by: 'names', names: ['spot-3', 'spot-1'] }, options)
    expect(plan).toEqual({
      chosen: [listed[2], listed[0]],
      missing: [],
      leftAlone: [],
      notMatched: 5,
      refusals: []
    })
  })

  it('notes a missing name, and refuses it when missing-ok is false', () => {
    const names = { by: 'names' as const, names: ['spot-4', 'spot-1'] }
    expect(chooseRunners(listed, names, options)).toMatchObject({
      chosen: [listed[0]],
      missing: ['spot-4'],
      refusals: []
    })
    const refused = chooseRunners(listed, names, { ...options, missingOk: false })
    expect(refused.refusals).toEqual([
      "No runner of organization octo is named 'spot-4' (7 listed); 'Spot-4' (id 4, offline) differs " +
        "only in case, and names are matched exactly. Check 'runner-name', or set 'missing-ok: true' if it may be gone."
    ])
  })

  it('refuses a duplicated name and an online runner, and lists both', () => {
    const plan = chooseRunners(listed, { by: 'names', names: ['twin', 'spot-2'] }, options)
    expect(plan.chosen).toEqual([])
    expect(plan.refusals).toEqual([
      expect.stringContaining(
        "2 runners of organization octo are named 'twin' (ids 5, 6): refusing to guess"
      ),
      expect.stringContaining(
        "Runner 'spot-2' (id 2, online, busy) of organization octo is online, and 'only-offline' is true"
      )
    ])
  })

  it('names at most 10 runners in a refusal built from a list, then counts the rest', () => {
    const twins = Array.from({ length: 93 }, (_, i) => runner(i + 1, 'twin'))
    expect(chooseRunners(twins, { by: 'names', names: ['twin'] }, options).refusals).toEqual([
      expect.stringContaining(
        "93 runners of organization octo are named 'twin' (ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, " +
          'and 83 more): refusing to guess'
      )
    ])
    const cases = Array.from({ length: 12 }, (_, i) => runner(i + 1, i % 2 ? 'TWIN' : 'Twin'))
    expect(missingSentence('twin', cases, 'organization octo')).toMatch(
      /\(12 listed\); 'Twin' \(id 1, offline\), .*'TWIN' \(id 10, offline\), and 2 more differs only in case/
    )
  })

  it('chooses an online runner when only-offline is false', () => {
    const plan = chooseRunners(
      listed,
      { by: 'names', names: ['spot-2'] },
      { ...options, onlyOffline: false }
    )
    expect(plan.chosen).toEqual([listed[1]])
  })
})

describe('by selector', () => {
  it('chooses the offline runners a prefix matches, case-sensitively, and skips the others', () => {
    const plan = chooseRunners(listed, { by: 'selector', prefix: 'spot-', labels: [] }, options)
    expect(plan.chosen.map((r) => r.id)).toEqual([1, 3])
    expect(plan.leftAlone.map(({ runner, reason }) => [runner.id, reason])).toEqual([[2, 'online']])
    expect(plan.notMatched).toBe(4)
  })

  it('never chooses a busy runner, even one GitHub lists offline', () => {
    const busy = [runner(1, 'spot-1'), runner(2, 'spot-2', 'offline', ['self-hosted'], true)]
    const plan = chooseRunners(busy, { by: 'selector', prefix: 'spot-', labels: [] }, options)
    expect(plan.chosen.map((r) => r.id)).toEqual([1])
    expect(plan.leftAlone).toEqual([{ runner: busy[1], reason: 'busy' }])
  })

  it('compares labels case-insensitively in ASCII only, as GitHub does', () => {
    const kelvin = [runner(1, 'k-1', 'offline', ['\u212A8s']), runner(2, 'k-2', 'offline', ['K8S'])]
    const plan = chooseRunners(kelvin, { by: 'selector', labels: ['k8s'] }, options)
    expect(plan.chosen.map((r) => r.id)).toEqual([2])
    expect(foldLabel('GPU-\u212A-\u0130')).toBe('gpu-\u212A-\u0130')
  })

  it('chooses runners with every label, compared case-insensitively', () => {
    const plan = chooseRunners(listed, { by: 'selector', labels: ['GPU', 'linux'] }, options)
    expect(plan.chosen.map((r) => r.id)).toEqual([3])
    expect(
      chooseRunners(listed, { by: 'selector', labels: ['gpu'] }, options).chosen.map((r) => r.id)
    ).toEqual([3, 7])
  })

  it('needs both a prefix and labels to match when both are given', () => {
    const plan = chooseRunners(
      listed,
      { by: 'selector', prefix: 'build-', labels: ['gpu'] },
      options
    )
    expect(plan.chosen.map((r) => r.id)).toEqual([7])
  })

  it('refuses more runners than max-deletions', () => {
    const plan = chooseRunners(
      listed,
      { by: 'selector', labels: [] },
      { ...options, maxDeletions: 4 }
    )
    expect(plan.chosen).toHaveLength(6)
    expect(plan.refusals).toEqual([
      "6 runners would be deleted, more than 'max-deletions' (4): nothing was deleted. Check the " +
        "selection, or raise 'max-deletions' if that many is right."
    ])
  })
})

describe('exclusions', () => {
  const exclude = { names: ['spot-1'], labels: ['Placeholder'] }
  const fleet = [
    runner(1, 'spot-1'),
    runner(2, 'spot-2', 'offline', ['self-hosted', 'placeholder']),
    runner(3, 'spot-3')
  ]

  it.each([
    ['a selector', { by: 'selector' as const, prefix: 'spot-', labels: [] }],
    ['names', { by: 'names' as const, names: ['spot-1', 'spot-2', 'spot-3'] }]
  ])('leave excluded runners alone, by name or label, chosen by %s', (_, choice) => {
    const plan = chooseRunners(fleet, choice, { ...options, exclude })
    expect(plan.chosen.map((r) => r.id)).toEqual([3])
    expect(plan.leftAlone.map(({ runner, reason }) => [runner.id, reason])).toEqual([
      [1, 'excluded'],
      [2, 'excluded']
    ])
    expect(plan.refusals).toEqual([])
  })

  it('come before any other reason: an excluded online runner is reported as excluded', () => {
    const plan = chooseRunners(
      [runner(1, 'spot-1', 'online')],
      { by: 'names', names: ['spot-1'] },
      { ...options, exclude }
    )
    expect(plan.leftAlone).toEqual([{ runner: runner(1, 'spot-1', 'online'), reason: 'excluded' }])
    expect(plan.refusals).toEqual([])
  })
})

describe('the grace period', () => {
  const first = [
    runner(1, 'spot-1'),
    runner(2, 'spot-2'),
    runner(3, 'spot-3'),
    runner(4, 'spot-4', 'online'),
    runner(5, 'spot-5')
  ]
  const second = [
    runner(1, 'spot-1'),
    runner(2, 'spot-2', 'online'),
    runner(3, 'spot-3', 'offline', ['self-hosted'], true),
    runner(4, 'spot-4'),
    runner(5, 'renamed'),
    runner(6, 'spot-6')
  ]

  it('marks each runner that came online, became busy, went offline, was renamed or appeared', () => {
    expect([...graceChanges(first, second)]).toEqual([
      [2, 'changed during the grace period'],
      [3, 'changed during the grace period'],
      [4, 'changed during the grace period'],
      [5, 'new during the grace period'],
      [6, 'new during the grace period']
    ])
  })

  it('lets a selector or a name choose only a runner offline and idle in both listings', () => {
    const changed = graceChanges(first, second)
    const bySelector = chooseRunners(
      second,
      { by: 'selector', labels: [] },
      { ...options, changed }
    )
    expect(bySelector.chosen.map((r) => r.id)).toEqual([1])
    expect(bySelector.leftAlone.map(({ runner }) => runner.id)).toEqual([2, 3, 4, 5, 6])
    const byName = chooseRunners(
      second,
      { by: 'names', names: ['spot-6', 'spot-1'] },
      { ...options, changed }
    )
    expect(byName.chosen.map((r) => r.id)).toEqual([1])
    expect(byName.leftAlone).toEqual([{ runner: second[5], reason: 'new during the grace period' }])
  })
})

it('shows names safely', () => {
  const hostile = runner(9, 'a\n::warning::x')
  expect(describeRunner(hostile)).toBe("'a : :warning: :x' (id 9, offline)")
  expect(missingSentence('gone', [], 'repository o/r')).toBe(
    "No runner of repository o/r is named 'gone' (0 listed)."
  )
})
