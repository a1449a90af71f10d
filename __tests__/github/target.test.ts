import {
  deleteRunnerRoute,
  describeTarget,
  listRunnersRoute,
  removeTokenRoute,
  requestLine,
  type Target
} from '../../src/github/target.js'

const repository: Target = { scope: 'repository', owner: 'octo-org', repo: 'hello.world' }
const organization: Target = { scope: 'organization', org: 'octo-org' }
const enterprise: Target = { scope: 'enterprise', enterprise: 'octo-corp' }

describe('removeTokenRoute', () => {
  it.each([
    [repository, 'POST /repos/octo-org/hello.world/actions/runners/remove-token'],
    [organization, 'POST /orgs/octo-org/actions/runners/remove-token'],
    [enterprise, 'POST /enterprises/octo-corp/actions/runners/remove-token']
  ])('routes %o to %s', (target, line) => {
    expect(requestLine(removeTokenRoute(target))).toBe(line)
  })

  it('encodes parameters into the path', () => {
    expect(requestLine({ route: 'POST /orgs/{org}/x', params: { org: 'a b/c' } })).toBe(
      'POST /orgs/a%20b%2Fc/x'
    )
  })
})

describe('describeTarget', () => {
  it.each([
    [repository, 'repository octo-org/hello.world'],
    [organization, 'organization octo-org'],
    [enterprise, 'enterprise octo-corp']
  ])('names %o as %s', (target, text) => {
    expect(describeTarget(target)).toBe(text)
  })
})

describe('runner routes', () => {
  it.each([
    [
      repository,
      'GET /repos/octo-org/hello.world/actions/runners',
      'DELETE /repos/octo-org/hello.world/actions/runners/42'
    ],
    [
      organization,
      'GET /orgs/octo-org/actions/runners',
      'DELETE /orgs/octo-org/actions/runners/42'
    ],
    [
      enterprise,
      'GET /enterprises/octo-corp/actions/runners',
      'DELETE /enterprises/octo-corp/actions/runners/42'
    ]
  ])('lists and deletes the runners of %o', (target, list, remove) => {
    expect(requestLine(listRunnersRoute(target))).toBe(list)
    expect(requestLine(deleteRunnerRoute(target, 42))).toBe(remove)
  })
})
