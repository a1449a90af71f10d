import {
  deleteRunnerRoute,
  describeTarget,
  listGroupRunnersRoute,
  listGroupsRoute,
  listRunnersRoute,
  removeTokenRoute,
  requestLine,
  type Target
} from '../../src/github/target.js'

const repository: Target = { scope: 'repository', owner: 'octo-org', repo: 'hello.world' }
const organization: Target = { scope: 'organization', org: 'octo-org' }
const enterprise: Target = { scope: 'enterprise', enterprise: 'octo-corp' }

it.each([
  [repository, 'repository octo-org/hello.world', '/repos/octo-org/hello.world/actions/runners'],
  [organization, 'organization octo-org', '/orgs/octo-org/actions/runners'],
  [enterprise, 'enterprise octo-corp', '/enterprises/octo-corp/actions/runners']
])('names %o as %s, and routes its requests under %s', (target, name, runners) => {
  expect(describeTarget(target)).toBe(name)
  expect(requestLine(removeTokenRoute(target))).toBe(`POST ${runners}/remove-token`)
  expect(requestLine(listRunnersRoute(target))).toBe(`GET ${runners}`)
  expect(requestLine(deleteRunnerRoute(target, 42))).toBe(`DELETE ${runners}/42`)
})

it.each([
  [organization, '/orgs/octo-org/actions/runner-groups'],
  [enterprise, '/enterprises/octo-corp/actions/runner-groups']
])("routes %o's runner groups under %s", (target, groups) => {
  expect(requestLine(listGroupsRoute(target))).toBe(`GET ${groups}`)
  expect(requestLine(listGroupRunnersRoute(target, 7))).toBe(`GET ${groups}/7/runners`)
})

it('has no runner groups for a repository', () => {
  expect(() => listGroupsRoute(repository)).toThrow('a repository has no runner groups')
})

it('encodes parameters into the path', () => {
  expect(requestLine({ route: 'POST /orgs/{org}/x', params: { org: 'a b/c' } })).toBe(
    'POST /orgs/a%20b%2Fc/x'
  )
})
