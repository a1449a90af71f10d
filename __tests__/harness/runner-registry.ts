/**
 * A simulator responder that keeps a list of self-hosted runners: it lists them (name filter and
 * pages with Link headers, as GitHub does) and deletes them. It can be told that a runner is
 * running a job for its first few delete attempts, that deleting one keeps failing, and to answer
 * a DELETE that comes too soon after the previous one with a secondary rate limit (as GitHub asks
 * for mutating requests at least a second apart).
 */
import { githubError, type Answer, type RecordedRequest } from './github-simulator.ts'

export interface FakeRunner {
  id: number
  name: string
  status: 'online' | 'offline'
  busy: boolean
  /** Label names; `self-hosted` when not given. */
  labels?: string[]
  /** The id of its runner group; 1 (`Default`) when not given. */
  group?: number
}

export interface RegistryOptions {
  /** false: ignore the `name` filter, as a GitHub that does not support it would. */
  filterByName?: boolean
  /** How many delete attempts of a runner are answered 422 (busy) before it is deleted. */
  busyFor?: Record<number, number>
  /** Runners something else deletes right after they are listed (a race with another teardown). */
  vanishAfterListing?: number[]
  /** Deleting these runners always fails with a 500. */
  failDeletes?: number[]
  /** A DELETE arriving sooner than this after the last one accepted gets a secondary rate limit. */
  minDeleteGapMs?: number
  /** After this many deletions, every DELETE gets a secondary rate limit asking for 10 minutes. */
  rateLimitAfter?: number
  /** The runner with this id, last on its page, is listed again first on the next one (a shift). */
  repeatOnNextPage?: number
  /** The runner groups (organization or enterprise); `Default` (id 1) when not given. */
  groups?: { id: number; name: string }[]
  /** Called once a whole listing has been read (its last page answered), counted from 1. */
  afterListing?: (listing: number, runners: FakeRunner[]) => void
}

export const runner = (
  id: number,
  name: string,
  status: FakeRunner['status'] = 'offline',
  busy = false,
  labels?: string[]
): FakeRunner => ({ id, name, status, busy, ...(labels ? { labels } : {}) })

const SECONDARY = 'You have exceeded a secondary rate limit.'

export class RunnerRegistry {
  readonly deleted: number[] = []
  /** DELETEs answered with a secondary rate limit because they came too soon. */
  rateLimited = 0
  private lastDeleteAt = -Infinity
  private listings = 0
  private readonly busyLeft: Record<number, number>
  readonly runners: FakeRunner[]
  private readonly options: RegistryOptions

  // Plain fields (not parameter properties): tools run with Node's type stripping, which has none.
  constructor(runners: FakeRunner[], options: RegistryOptions = {}) {
    this.runners = runners
    this.options = options
    this.busyLeft = { ...options.busyFor }
  }

  readonly respond = (request: RecordedRequest): Answer => {
    if (request.method === 'GET' && request.path.endsWith('/runner-groups')) {
      return this.listGroups(request)
    }
    if (request.method === 'GET') return this.list(request)
    if (request.method === 'DELETE') return this.remove(request)
    throw new Error(`the registry does not answer ${request.operation}`)
  }

  private listGroups(request: RecordedRequest): Answer {
    const groups = this.options.groups ?? [{ id: 1, name: 'Default' }]
    const base = `http://${request.headers.host}${request.path}`
    return {
      status: 200,
      json: {
        total_count: groups.length,
        runner_groups: groups.map(({ id, name }) => ({
          id,
          name,
          visibility: 'all',
          default: id === 1,
          runners_url: `${base}/${id}/runners`,
          inherited: false,
          allows_public_repositories: false
        }))
      }
    }
  }

  private list(request: RecordedRequest): Answer {
    const { name, per_page: perPage = '30', page = '1' } = request.query
    const groupId = request.params.runner_group_id
    const inScope =
      groupId === undefined
        ? this.runners
        : this.runners.filter((r) => (r.group ?? 1) === Number(groupId))
    const all =
      this.options.filterByName === false || name === undefined
        ? inScope
        : inScope.filter((r) => r.name.toLowerCase() === name.toLowerCase())
    const size = Number(perPage)
    const current = Number(page)
    const last = Math.max(1, Math.ceil(all.length / size))
    const link = (n: number, rel: string) => {
      const query = new URLSearchParams({ ...request.query, page: String(n) })
      return `<http://${request.headers.host}${request.path}?${query}>; rel="${rel}"`
    }
    const links = [
      ...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []),
      ...(current > 1 ? [link(1, 'first'), link(current - 1, 'prev')] : [])
    ]
    const listed = all.slice((current - 1) * size, current * size)
    const before = all[(current - 1) * size - 1]
    if (current > 1 && before && before.id === this.options.repeatOnNextPage) listed.unshift(before)
    for (const id of this.options.vanishAfterListing ?? []) {
      const index = this.runners.findIndex((r) => r.id === id)
      if (index >= 0) this.runners.splice(index, 1)
    }
    // As GitHub lists a runner: its group is not one of the fields.
    const labelled = ({ id, name, status, busy, labels = ['self-hosted'] }: FakeRunner) => ({
      id,
      name,
      status,
      busy,
      os: 'linux',
      labels: labels.map((name, i) => ({ id: i + 1, name, type: i ? 'custom' : 'read-only' }))
    })
    const json = { total_count: all.length, runners: listed.map(labelled) }
    // After the answer is made: what changes now shows in the next listing only.
    if (current >= last) this.options.afterListing?.(++this.listings, this.runners)
    return { status: 200, headers: links.length > 0 ? { link: links.join(', ') } : {}, json }
  }

  private remove(request: RecordedRequest): Answer {
    if (this.deleted.length >= (this.options.rateLimitAfter ?? Infinity)) {
      this.rateLimited += 1
      return githubError(403, SECONDARY, { 'retry-after': '600' })
    }
    if (request.receivedAt - this.lastDeleteAt < (this.options.minDeleteGapMs ?? 0)) {
      this.rateLimited += 1
      const message = `${SECONDARY} Please wait a few minutes before you try again.`
      return githubError(403, message, { 'retry-after': '1' })
    }
    this.lastDeleteAt = request.receivedAt
    const id = Number(request.params.runner_id)
    const index = this.runners.findIndex((r) => r.id === id)
    if (this.options.failDeletes?.includes(id)) return githubError(500, 'Server Error')
    if (index < 0) return githubError(404, 'Not Found')
    if ((this.busyLeft[id] ?? 0) > 0) {
      this.busyLeft[id] = (this.busyLeft[id] ?? 0) - 1
      return {
        status: 422,
        json: {
          message: `Bad request - Runner "${this.runners[index]?.name}" is still running a job"`,
          documentation_url: 'https://docs.github.com/rest/actions/self-hosted-runners'
        }
      }
    }
    this.runners.splice(index, 1)
    this.deleted.push(id)
    return { status: 204 }
  }
}
