import type { GitHubClient } from '../github/client.js'
import { AnswerError, failureExplainer, unexpectedAnswer } from '../github/errors.js'
import { isObject, messageOf } from '../github/http-error.js'
import { describeTarget, listRunnersRoute, requestLine, type Target } from '../github/target.js'

/** A self-hosted runner as GitHub lists it (the fields this action reads). */
export interface Runner {
  id: number
  name: string
  status: string
  busy: boolean
}

export interface Search {
  /** Runners whose name is exactly the one asked for. */
  matches: Runner[]
  /** Runners whose name differs from it only in case, to say so when there is no match. */
  nearMatches: Runner[]
  pages: number
  listed: number
}

const PER_PAGE = 100

/**
 * Lists the target's runners, page after page to the last, asking GitHub to filter by name
 * (where it does not, every runner is listed), and keeps those whose name is exactly `name`.
 */
export async function findRunners(
  client: Pick<GitHubClient, 'paginate' | 'request'>,
  target: Target,
  name: string,
  { timeoutS, now = Date.now }: { timeoutS: number; now?: () => number }
): Promise<Search> {
  const route = listRunnersRoute(target)
  const search: Search = { matches: [], nearMatches: [], pages: 0, listed: 0 }
  const explain = failureExplainer(target, route, timeoutS, now)
  const notAList = (detail: string) =>
    unexpectedAnswer(requestLine(route), detail, 'the runner could not be looked for')
  try {
    const pages = client.paginate.iterator(route.route, {
      ...route.params,
      name,
      per_page: PER_PAGE
    })
    for await (const page of pages) {
      search.pages += 1
      if (!Array.isArray(page.data)) throw notAList('is not a list of runners')
      for (const item of page.data as unknown[]) {
        if (!isRunner(item)) {
          throw notAList('lists a runner without a numeric id, a name and a status')
        }
        const runner: Runner = {
          id: item.id,
          name: item.name,
          status: item.status,
          busy: item.busy === true
        }
        search.listed += 1
        if (runner.name === name) search.matches.push(runner)
        else if (runner.name.toLowerCase() === name.toLowerCase()) search.nearMatches.push(runner)
      }
    }
  } catch (error) {
    if (error instanceof AnswerError) throw error
    // Octokit's pagination reads the answer's shape itself and throws a plain error on a body
    // that is not JSON; only an error of a request carries the request.
    if (!isObject(error) || !('request' in error)) {
      throw notAList(`could not be read (${messageOf(error)})`)
    }
    throw explain(error)
  }
  return search
}

function isRunner(item: unknown): item is Runner {
  if (!isObject(item)) return false
  return (
    typeof item.id === 'number' && typeof item.name === 'string' && typeof item.status === 'string'
  )
}

export function describeRunner(runner: Runner): string {
  return `'${runner.name}' (id ${runner.id}, ${runner.status}${runner.busy ? ', busy' : ''})`
}

/** Why a search cannot name one runner to delete, or undefined when it can. */
export function ambiguity(search: Search, target: Target, name: string): string | undefined {
  if (search.matches.length <= 1) return undefined
  const ids = search.matches.map((runner) => runner.id).join(', ')
  return (
    `${search.matches.length} runners of ${describeTarget(target)} are named '${name}' ` +
    `(ids ${ids}): refusing to guess which one to delete. Remove the duplicates by hand ` +
    '(Settings > Actions > Runners), or give each runner a unique name.'
  )
}
