import { hasUnsafeCharacter, quotedForLog } from '../step/text.js'
import type { GitHubClient } from '../github/client.js'
import {
  AnswerError,
  explainFailure,
  isGitHubAnswer,
  notGitHub,
  RequestFailedError
} from '../github/failure.js'
import { isObject } from '../step/errors.js'
import { listRunnersRoute, requestLine, type Target } from '../github/target.js'
import { offOrigin } from '../github/transport.js'

/** A self-hosted runner as GitHub lists it (the fields this action reads), checked. */
export interface Runner {
  id: number
  name: string
  status: string
  busy: boolean
  /** Label names, as listed. */
  labels: string[]
}

export const PER_PAGE = 100
/** No scope has this many runners (10,000): a list that claims more pages is not followed. */
export const MAX_PAGES = 100
/** Runner names GitHub accepts are at most 64 characters; older or odd ones get some slack. */
const MAX_NAME_LENGTH = 256
const STATUS = /^[a-z_]{1,32}$/

export interface ListOptions {
  apiUrl: string
  timeoutS: number
  /** GitHub's `name` filter, for one name (where GitHub ignores it, every runner is listed). */
  name?: string
  now?: () => number
}

/**
 * Every runner of the target, every page read once, before anything is decided. Pages follow
 * GitHub's `Link: <...>; rel="next"` (on `api-url`'s origin only: the transport refuses any
 * other), up to the number `total_count` allows (plus one, for runners added while listing) and
 * MAX_PAGES; a page that repeats, or is not a 200 with a `runners` array and a numeric
 * `total_count`, or lists a runner that is not well-formed, fails the listing.
 */
export async function listRunners(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  { apiUrl, timeoutS, name, now = Date.now }: ListOptions
): Promise<{ runners: Runner[]; pages: number }> {
  const route = listRunnersRoute(target)
  const runners: Runner[] = []
  const byId = new Map<number, Runner>()
  const seen = new Set<string>()
  let query: Query = { per_page: String(PER_PAGE), ...(name ? { name } : {}) }
  let listPath: string | undefined
  let allowedPages = MAX_PAGES
  let allowedRunners = MAX_PAGES * PER_PAGE
  for (let page = 1; ; page++) {
    const what = `page ${page} of the runner list (${requestLine(route)})`
    const bad = (detail: string) =>
      new AnswerError(
        `GitHub's answer to ${what} ${detail}, so no runner was deleted. Check that 'api-url' ` +
          'points to a GitHub REST API (or a proxy that passes its answers through unchanged), ' +
          'then run the job again.'
      )
    let response
    try {
      // The route's own parameters last: a next link cannot change the scope in the path.
      response = await client.request(route.route, { ...query, ...route.params })
    } catch (error) {
      const explained = explainFailure(error, { target, apiUrl, route, timeoutS, now: now() })
      if (page === 1) throw explained
      throw new RequestFailedError(
        `Reading ${what} failed, so no runner was deleted. ${explained.message}`
      )
    }
    seen.add(JSON.stringify(Object.entries(query).sort()))
    listPath ??= new URL(response.url).pathname
    if (response.status !== 200) throw bad(`is a ${response.status}, not the 200 GitHub documents`)
    const answer = {
      status: 200,
      message: '',
      response: {
        headers: response.headers as Record<string, string | undefined>,
        data: response.data
      }
    }
    if (!isGitHubAnswer(answer)) throw new AnswerError(`${what}: ${notGitHub(answer, apiUrl)}`)
    const { runners: listed, total_count: total } = response.data as Record<string, unknown>
    if (!Array.isArray(listed)) throw bad("has no 'runners' list")
    if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) {
      throw bad("has no whole-number 'total_count'")
    }
    if (listed.length > PER_PAGE) {
      throw bad(`lists ${listed.length} runners, more than the ${PER_PAGE} a page was asked for`)
    }
    if (page === 1) {
      allowedPages = Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE) + 1)
      allowedRunners = total + PER_PAGE
    }
    for (const [index, item] of (listed as unknown[]).entries()) {
      const runner = checkRunner(item, index, bad)
      const earlier = byId.get(runner.id)
      // A page-based list shifts when runners come and go while it is read: the same runner may
      // be listed twice. Counted once; listed twice with different fields, it is not to be trusted.
      if (earlier === undefined) {
        byId.set(runner.id, runner)
        runners.push(runner)
        if (runners.length > allowedRunners) {
          throw bad(
            `brings the list to more than the ${total} runners its total_count said, plus ` +
              `${PER_PAGE} for runners added while it was read`
          )
        }
      } else if (JSON.stringify(earlier) !== JSON.stringify(runner)) {
        throw bad(`lists runner id ${runner.id} again, with other fields than before`)
      }
    }
    const link = nextLink(response.headers.link)
    if (link === undefined) return { runners, pages: page }
    query = { per_page: String(PER_PAGE), ...nextQuery(link, response.url, listPath, apiUrl, bad) }
    if (seen.has(JSON.stringify(Object.entries(query).sort()))) {
      throw bad('links to a page already read as the next one')
    }
    if (page >= allowedPages) {
      throw bad(
        `links to more pages than its total_count of ${total} runners allows (${allowedPages} of ${PER_PAGE}, at most ${MAX_PAGES})`
      )
    }
  }
}

type Query = Record<string, string>

/** The query parameters of the runner list that a next link may set (never `per_page`). */
const PAGING_PARAMETERS = new Set(['page', 'name'])

/**
 * The next page's query, from its link: on `api-url`'s origin and the list's own path (nothing is
 * ever sent elsewhere), with only the paging parameters taken, so that the request sent is the
 * page the link names and the repeat check sees it as it is.
 */
function nextQuery(
  link: string,
  base: string,
  listPath: string,
  apiUrl: string,
  bad: (detail: string) => Error
): Query {
  let next: URL
  try {
    next = new URL(link, base)
  } catch {
    throw bad('has a next-page link that is not a URL')
  }
  const outside = offOrigin(next, new URL(apiUrl).origin)
  if (outside) throw bad(`has a next-page link that ${outside.said}`)
  if (next.pathname !== listPath) throw bad('has a next-page link to another path than the list')
  return Object.fromEntries([...next.searchParams].filter(([key]) => PAGING_PARAMETERS.has(key)))
}

/** The `next` target of a Link header (RFC 8288), as GitHub sends it. */
export function nextLink(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /^\s*<([^<>]*)>\s*;.*\brel="?next"?/.exec(part)
    if (match) return match[1]
  }
  return undefined
}

function checkRunner(item: unknown, index: number, bad: (detail: string) => Error): Runner {
  const problem = (detail: string) => bad(`lists a runner (item ${index + 1}) ${detail}`)
  if (!isObject(item)) throw problem('that is not an object')
  const { id, name, status, busy, labels } = item
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw problem("whose 'id' is not a positive whole number")
  }
  if (
    typeof name !== 'string' ||
    name === '' ||
    name.length > MAX_NAME_LENGTH ||
    hasUnsafeCharacter(name)
  ) {
    throw problem(`(id ${id}) whose 'name' is not 1 to ${MAX_NAME_LENGTH} printable characters`)
  }
  if (typeof status !== 'string' || !STATUS.test(status)) {
    throw problem(
      `${quotedForLog(name, 80)} (id ${id}) whose 'status' is not a status GitHub sends`
    )
  }
  if (busy !== undefined && typeof busy !== 'boolean') {
    throw problem(`${quotedForLog(name, 80)} (id ${id}) whose 'busy' is not true or false`)
  }
  return {
    id,
    name,
    status,
    busy: busy === true,
    labels: labelNames(labels) ?? problemLabels(problem, name, id)
  }
}

function labelNames(labels: unknown): string[] | undefined {
  if (labels === undefined) return []
  if (!Array.isArray(labels)) return undefined
  const names: string[] = []
  for (const label of labels) {
    const name: unknown = isObject(label) ? label.name : undefined
    if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || hasUnsafeCharacter(name))
      return undefined
    names.push(name)
  }
  return names
}

function problemLabels(problem: (detail: string) => Error, name: string, id: number): never {
  throw problem(
    `${quotedForLog(name, 80)} (id ${id}) whose 'labels' are not a list of named labels`
  )
}
