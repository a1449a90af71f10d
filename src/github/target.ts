/** Where a runner can be registered, and so where its remove token is minted. */
export type Target =
  | { scope: 'repository'; owner: string; repo: string }
  | { scope: 'organization'; org: string }
  | { scope: 'enterprise'; enterprise: string }

export type Scope = Target['scope']

export interface Route {
  /** Octokit route, e.g. `POST /orgs/{org}/actions/runners/remove-token`. */
  route: string
  /** Values for the route's placeholders. */
  params: Record<string, string>
}

/** `.../actions/runners` of a target, the base of every runner endpoint. */
function runners(target: Target): Route {
  switch (target.scope) {
    case 'repository':
      return {
        route: '/repos/{owner}/{repo}/actions/runners',
        params: { owner: target.owner, repo: target.repo }
      }
    case 'organization':
      return { route: '/orgs/{org}/actions/runners', params: { org: target.org } }
    case 'enterprise':
      return {
        route: '/enterprises/{enterprise}/actions/runners',
        params: { enterprise: target.enterprise }
      }
  }
}

/** The remove-token endpoint for a target. Octokit encodes each parameter into the path. */
export function removeTokenRoute(target: Target): Route {
  const { route, params } = runners(target)
  return { route: `POST ${route}/remove-token`, params }
}

/** The endpoint that lists a target's runners. */
export function listRunnersRoute(target: Target): Route {
  const { route, params } = runners(target)
  return { route: `GET ${route}`, params }
}

/** `.../actions/runner-groups` of an organization or enterprise. */
function groups(target: Target): Route {
  switch (target.scope) {
    case 'repository':
      throw new Error('a repository has no runner groups')
    case 'organization':
      return { route: '/orgs/{org}/actions/runner-groups', params: { org: target.org } }
    case 'enterprise':
      return {
        route: '/enterprises/{enterprise}/actions/runner-groups',
        params: { enterprise: target.enterprise }
      }
  }
}

/** The endpoint that lists an organization's or enterprise's runner groups. */
export function listGroupsRoute(target: Target): Route {
  const { route, params } = groups(target)
  return { route: `GET ${route}`, params }
}

/** The endpoint that lists the runners of one runner group. */
export function listGroupRunnersRoute(target: Target, groupId: number): Route {
  const { route, params } = groups(target)
  return {
    route: `GET ${route}/{runner_group_id}/runners`,
    params: { ...params, runner_group_id: String(groupId) }
  }
}

/** The endpoint that deletes (deregisters) one of a target's runners. */
export function deleteRunnerRoute(target: Target, runnerId: number): Route {
  const { route, params } = runners(target)
  return {
    route: `DELETE ${route}/{runner_id}`,
    params: { ...params, runner_id: String(runnerId) }
  }
}

/** The request line with its parameters filled in: `POST /orgs/octo/actions/runners/remove-token`. */
export function requestLine({ route, params }: Route): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])))
}

/** The target as a person would name it: `repository octo/hello`, `organization octo`. */
export function describeTarget(target: Target): string {
  return `${target.scope} ${targetName(target)}`
}

export function targetName(target: Target): string {
  switch (target.scope) {
    case 'repository':
      return `${target.owner}/${target.repo}`
    case 'organization':
      return target.org
    case 'enterprise':
      return target.enterprise
  }
}
