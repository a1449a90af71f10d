import { getOctokit } from '@actions/github'
import { HttpClient } from '@actions/http-client'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { fetch as undiciFetch } from 'undici'
import { messageOf, networkErrorCode } from './http-error.js'
import { createRetryPolicy, RETRY_PLUGIN_OPTIONS } from './retry-policy.js'
import { USER_AGENT } from './version.js'

export type GitHubClient = ReturnType<typeof getOctokit>

export interface Log {
  info(line: string): void
  debug(line: string): void
}

export interface ClientOptions {
  token: string
  apiUrl: string
  /** How many times a retryable failure is tried again. */
  retries: number
  /** How long one attempt may take, in seconds. */
  timeoutS: number
  log: Log
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

/**
 * An Octokit for `apiUrl` that sends through the runner's proxy, abandons an attempt after
 * `timeoutS`, and retries what is worth retrying (see retry-policy.ts).
 */
let clients = 0

export function createClient(options: ClientOptions): GitHubClient {
  const policy = createRetryPolicy({
    retries: options.retries,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms))),
    log: (line: string) => options.log.info(line)
  })
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      userAgent: USER_AGENT,
      request: { fetch: attemptFetch(options.apiUrl, options.timeoutS * 1000, options.log) },
      retry: RETRY_PLUGIN_OPTIONS,
      // plugin-throttling's limiters are shared by every client with the same id, and space writes
      // one second apart; a client of its own keeps one client's retries from delaying another's.
      throttle: { id: `client-${++clients}`, ...policy.throttle }
    },
    policy.plugin,
    retry,
    throttling
  )
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * One attempt: fetch with the proxy @actions/http-client picks for `apiUrl` (the fetch that
 * @actions/github builds at import time is for GITHUB_API_URL, which may be another host with
 * another NO_PROXY answer), answer and body both within `timeoutMs`, and debug detail that names
 * no header but a few safe ones.
 */
export function attemptFetch(apiUrl: string, timeoutMs: number, log: Log): typeof fetch {
  const dispatcher = new HttpClient().getAgentDispatcher(apiUrl)
  log.debug(
    `Requests to ${apiUrl} go ${dispatcher ? 'through the proxy' : 'directly, with no proxy'}`
  )
  return (async (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => {
    const started = performance.now()
    const took = () => `${Math.round(performance.now() - started)} ms`
    const line = `${init.method ?? 'GET'} ${url}`
    log.debug(`${line}: sending (time-out ${timeoutMs / 1000} s)`)
    try {
      const signal = AbortSignal.timeout(timeoutMs)
      const response = await undiciFetch(url, { ...init, dispatcher, signal })
      const body = await response.arrayBuffer()
      log.debug(`${line}: ${response.status} in ${took()}${safeHeaders(response.headers)}`)
      const copy = new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers]
      })
      return Object.defineProperty(copy, 'url', { value: response.url })
    } catch (error) {
      log.debug(`${line}: failed after ${took()}: ${networkErrorCode(error) ?? messageOf(error)}`)
      throw error
    }
  }) as unknown as typeof fetch
}

const SAFE_HEADERS = [
  'x-github-request-id',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'x-accepted-github-permissions'
]

function safeHeaders(headers: Headers | { get(name: string): string | null }): string {
  const shown = SAFE_HEADERS.flatMap((name) => {
    const value = headers.get(name)
    return value === null ? [] : [`${name}: ${value}`]
  })
  return shown.length > 0 ? ` (${shown.join(', ')})` : ''
}
