import { getOctokit } from '@actions/github'
import { HttpClient } from '@actions/http-client'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { fetch as undiciFetch } from 'undici'
import { AnswerHeaders, answer, directFetch, type FetchInit } from './transport.js'
import { failureReason } from './http-error.js'
import { createRetryPolicy, RETRY_PLUGIN_OPTIONS } from './retry-policy.js'
import { USER_AGENT } from './version.js'

export type GitHubClient = ReturnType<typeof getOctokit>

/** The REST API version every request names (`X-GitHub-Api-Version`). */
const API_VERSION = '2022-11-28'

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
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      userAgent: USER_AGENT,
      request: {
        fetch: attemptFetch(options.apiUrl, Math.round(options.timeoutS * 1000), options.log)
      },
      retry: RETRY_PLUGIN_OPTIONS,
      // plugin-throttling's limiters are shared by every client with the same id, and space writes
      // one second apart; a client of its own keeps one client's retries from delaying another's.
      throttle: { id: `client-${++clients}`, ...policy.throttle }
    },
    policy.plugin,
    retry,
    throttling
  )
  // Every request asks for GitHub's JSON media type at the REST API version this was built for.
  octokit.hook.before('request', (request) => {
    request.headers.accept = 'application/vnd.github+json'
    request.headers['x-github-api-version'] = API_VERSION
  })
  return octokit
}

/**
 * One attempt: answer and body both within `timeoutMs`, through the proxy @actions/http-client
 * picks for `apiUrl` (the fetch @actions/github builds at import time is for GITHUB_API_URL, which
 * may be another host with another NO_PROXY answer), with debug detail that names no header but a
 * few safe ones. Without a proxy, `directFetch` sends it (see direct-fetch.ts for why).
 */
export function attemptFetch(apiUrl: string, timeoutMs: number, log: Log): typeof fetch {
  const dispatcher = new HttpClient().getAgentDispatcher(apiUrl)
  log.debug(
    `Requests to ${apiUrl} go ${dispatcher ? 'through the proxy' : 'directly, with no proxy'}`
  )
  const send = dispatcher
    ? (url: string, init: FetchInit) =>
        undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })
    : directFetch
  return (async (url: string, init: FetchInit = {}) => {
    const started = performance.now()
    const took = () => `${Math.round(performance.now() - started)} ms`
    const line = `${init.method ?? 'GET'} ${url}`
    log.debug(`${line}: sending (time-out ${timeoutMs / 1000} s)`)
    try {
      const response = await send(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      const body = Buffer.from(await response.arrayBuffer())
      const headers = new AnswerHeaders(Object.fromEntries(response.headers))
      log.debug(`${line}: ${response.status} in ${took()}${safeHeaders(headers)}`)
      return answer(response.url, response.status, response.statusText, headers, body)
    } catch (error) {
      log.debug(`${line}: failed after ${took()}: ${failureReason(error)}`)
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

function safeHeaders(headers: AnswerHeaders): string {
  const shown = SAFE_HEADERS.flatMap((name) => {
    const value = headers.get(name)
    return value === null ? [] : [`${name}: ${value}`]
  })
  return shown.length > 0 ? ` (${shown.join(', ')})` : ''
}
