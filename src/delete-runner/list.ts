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
import {
  describeTarget,
  listGroupRunnersRoute,
  listGroupsRoute,
  listRunnersRoute,
  requestLine,
  type Route,
  type Target
} from '../github/target.js'
import { firstOf } from '../step/text.js'
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

/** A runner group, as GitHub lists it (the fields this action reads), checked. */
export interface RunnerGroup {
  id: number
  name: string
}

export interface ListOptions {
  apiUrl: string
  timeoutS: number
  /** GitHub's `name` filter, for one name (where GitHub ignores it, every runner is listed). */
  name?: string
  /** Only this runner group's runners, through the group's own list. */
  groupId?: number
  now?: () => number
}

/** Every runner of the target (or of one of its runner groups), before anything is decided. */
export async function listRunners(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  options: ListOptions
): Promise<{ runners: Runner[]; pages: number }> {
  const route =
    options.groupId === undefined
      ? listRunnersRoute(target)
      : listGroupRunnersRoute(target, options.groupId)
  // The group's list has no name filter.
  const query: Query = options.name && options.groupId === undefined ? { name: options.name } : {}
  const { items, pages } = await readList(client, target, route, options, {
    list: 'the runner list',
    key: 'runners',
    items: 'runners',
    query,
    check: checkRunner
  })
  return { runners: items, pages }
}

/** The runner group named `name` (exactly), or an error naming the groups there are. */
export async function findRunnerGroup(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  name: string,
  options: ListOptions
): Promise<RunnerGroup> {
  const { items } = await readList(client, target, listGroupsRoute(target), options, {
    list: 'the runner group list',
    key: 'runner_groups',
    items: 'runner groups',
    query: {},
    check: checkGroup
  })
  const group = items.find((listed) => listed.name === name)
  if (group) return group
  const names = items.map((listed) => quotedForLog(listed.name, 80))
  throw new Error(
    `No runner group of ${describeTarget(target)} is named ${quotedForLog(name, 80)} ` +
      `(${items.length} listed: ${firstOf(names)}), so no runner was deleted. Check ` +
      "'runner-group' against Settings > Actions > Runner groups (names are matched exactly)."
  )
}

interface ListKind<T> {
  /** How a person names the list: `the runner list`. */
  list: string
  /** The array in each page: `runners`. */
  key: string
  /** What its items are called: `runners`. */
  items: string
  /** Filters for the first page, besides `per_page`. */
  query: Query
  check: (item: unknown, index: number, bad: (detail: string) => Error) => T
}

/**
 * Every item of a paged list, every page read once. Pages follow GitHub's
 * `Link: <...>; rel="next"` (on `api-url`'s origin and the list's path only), up to the number
 * `total_count` allows (plus one, for items added while listing) and MAX_PAGES, at most PER_PAGE
 * items a page and `total_count` plus PER_PAGE in all; a page that repeats, or is not a 200 with
 * the list's array and a numeric `total_count`, or holds an item that is not well-formed, fails it.
 */
async function readList<T extends { id: number }>(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  route: Route,
  { apiUrl, timeoutS, now = Date.now }: ListOptions,
  kind: ListKind<T>
): Promise<{ items: T[]; pages: number }> {
  const runners: T[] = []
  const byId = new Map<number, T>()
  const seen = new Set<string>()
  let query: Query = { per_page: String(PER_PAGE), ...kind.query }
  let listPath: string | undefined
  let allowedPages = MAX_PAGES
  let allowedRunners = MAX_PAGES * PER_PAGE
  for (let page = 1; ; page++) {
    const what = `page ${page} of ${kind.list} (${requestLine(route)})`
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
    const { [kind.key]: listed, total_count: total } = response.data as Record<string, unknown>
    if (!Array.isArray(listed)) throw bad(`has no '${kind.key}' list`)
    if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) {
      throw bad("has no whole-number 'total_count'")
    }
    if (listed.length > PER_PAGE) {
      throw bad(
        `lists ${listed.length} ${kind.items}, more than the ${PER_PAGE} a page was asked for`
      )
    }
    if (page === 1) {
      allowedPages = Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE) + 1)
      allowedRunners = total + PER_PAGE
    }
    for (const [index, item] of (listed as unknown[]).entries()) {
      const runner = kind.check(item, index, bad)
      const earlier = byId.get(runner.id)
      // A page-based list shifts when runners come and go while it is read: the same runner may
      // be listed twice. Counted once; listed twice with different fields, it is not to be trusted.
      if (earlier === undefined) {
        byId.set(runner.id, runner)
        runners.push(runner)
        if (runners.length > allowedRunners) {
          throw bad(
            `brings the list to more than the ${total} ${kind.items} its total_count said, plus ` +
              `${PER_PAGE} for ${kind.items} added while it was read`
          )
        }
      } else if (JSON.stringify(earlier) !== JSON.stringify(runner)) {
        throw bad(`lists runner id ${runner.id} again, with other fields than before`)
      }
    }
    const link = nextLink(response.headers.link)
    if (link === undefined) return { items: runners, pages: page }
    query = { per_page: String(PER_PAGE), ...nextQuery(link, response.url, listPath, apiUrl, bad) }
    if (seen.has(JSON.stringify(Object.entries(query).sort()))) {
      throw bad('links to a page already read as the next one')
    }
    if (page >= allowedPages) {
      throw bad(
        `links to more pages than its total_count of ${total} ${kind.items} allows (${allowedPages} of ${PER_PAGE}, at most ${MAX_PAGES})`
      )
    }
  }
}

type Query = Record<string, string>

/** The query parameters of a list that a next link may set (never `per_page`). */
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

function checkGroup(item: unknown, index: number, bad: (detail: string) => Error): RunnerGroup {
  const problem = (detail: string) => bad(`lists a runner group (item ${index + 1}) ${detail}`)
  if (!isObject(item)) throw problem('that is not an object')
  const { id, name } = item
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw problem("whose 'id' is not a positive whole number")
  }
  if (typeof name !== 'string' || !isName(name)) {
    throw problem(`(id ${id}) whose 'name' is not 1 to ${MAX_NAME_LENGTH} printable characters`)
  }
  return { id, name }
}

const isName = (name: string) =>
  name !== '' && name.length <= MAX_NAME_LENGTH && !hasUnsafeCharacter(name)

function checkRunner(item: unknown, index: number, bad: (detail: string) => Error): Runner {
  const problem = (detail: string) => bad(`lists a runner (item ${index + 1}) ${detail}`)
  if (!isObject(item)) throw problem('that is not an object')
  const { id, name, status, busy, labels } = item
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw problem("whose 'id' is not a positive whole number")
  }
  if (typeof name !== 'string' || !isName(name)) {
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
