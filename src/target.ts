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

/** The remove-token endpoint for a target. Octokit encodes each parameter into the path. */
export function removeTokenRoute(target: Target): Route {
  switch (target.scope) {
    case 'repository':
      return {
        route: 'POST /repos/{owner}/{repo}/actions/runners/remove-token',
        params: { owner: target.owner, repo: target.repo }
      }
    case 'organization':
      return {
        route: 'POST /orgs/{org}/actions/runners/remove-token',
        params: { org: target.org }
      }
    case 'enterprise':
      return {
        route: 'POST /enterprises/{enterprise}/actions/runners/remove-token',
        params: { enterprise: target.enterprise }
      }
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
