import { chooseRunners, describeRunner, missingSentence } from '../../src/delete-runner/choose.js'
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
const options = { where: 'organization octo', onlyOffline: true, missingOk: true, maxDeletions: 20 }
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
    expect(plan).toEqual({ chosen: [listed[2], listed[0]], missing: [], skipped: [], refusals: [] })
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
    expect(plan.skipped.map((r) => r.id)).toEqual([2])
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

it('shows names safely', () => {
  const hostile = runner(9, 'a\n::warning::x')
  expect(describeRunner(hostile)).toBe("'a : :warning: :x' (id 9, offline)")
  expect(missingSentence('gone', [], 'repository o/r')).toBe(
    "No runner of repository o/r is named 'gone' (0 listed)."
  )
})
