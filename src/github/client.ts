import { setTimeout as wait } from 'node:timers/promises'
import type { getOctokit } from '@actions/github'
import type { Log } from '../step/log.js'
import { forLog } from '../step/text.js'
import { failureReason } from './http-error.js'
import { withRetries } from './retry.js'
import {
  knownHeaders,
  nodeExchanger,
  pinnedFetch,
  type Exchange,
  type Exchanger
} from './transport.js'
import { USER_AGENT } from './version.js'

/** What the operations use of Octokit: `request`, and `close` when the step is done. */
export interface GitHubClient {
  request: ReturnType<typeof getOctokit>['request']
  /** Closes any connection left open (to a proxy), so nothing keeps the process alive. */
  close(): Promise<void>
}

/** The REST API version every request names (`X-GitHub-Api-Version`). */
const API_VERSION = '2022-11-28'

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
  now?: () => number
}

/**
 * An Octokit for `apiUrl`: every request pinned to its origin, bounded in time and size
 * (transport.ts), retried by our one loop (retry.ts), logging only through `log`.
 *
 * @actions/github reads GITHUB_API_URL when it is imported, for its default base URL and proxy
 * agent, and fails on a malformed one before any code of ours could say what is wrong. So it is
 * imported here, after the inputs are valid, with GITHUB_API_URL set to the API in use.
 */
export async function createClient(options: ClientOptions): Promise<GitHubClient> {
  process.env.GITHUB_API_URL = options.apiUrl
  const { getOctokit } = await import('@actions/github')
  const sender = nodeExchanger(options.apiUrl)
  options.log.debug(`Requests to ${options.apiUrl} go ${sender.via}`)
  const exchange = logged(sender.exchange, options)
  const octokitLog = {
    debug: options.log.debug,
    info: options.log.debug,
    warn: options.log.warning,
    error: options.log.warning
  }
  const octokit = getOctokit(options.token, {
    baseUrl: options.apiUrl,
    userAgent: USER_AGENT,
    log: octokitLog,
    request: {
      fetch: pinnedFetch(options.apiUrl, Math.round(options.timeoutS * 1000), exchange),
      log: octokitLog
    }
  })
  // Every request asks for GitHub's JSON media type at the REST API version this was built for.
  octokit.hook.before('request', (request) => {
    request.headers.accept = 'application/vnd.github+json'
    request.headers['x-github-api-version'] = API_VERSION
  })
  octokit.hook.wrap(
    'request',
    withRetries({
      retries: options.retries,
      log: options.log.info,
      sleep: options.sleep ?? wait,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random
    })
  )
  return { request: octokit.request, close: async () => sender.close() }
}

/** Debug lines around each exchange, with only the answer headers that cannot carry a secret. */
function logged(exchange: Exchanger, { log, timeoutS }: ClientOptions): Exchanger {
  return async (url, init, maxBytes) => {
    const started = performance.now()
    const took = () => `${Math.round(performance.now() - started)} ms`
    const line = forLog(`${init.method} ${url.href}`, 300)
    log.debug(`${line}: sending (time-out ${timeoutS} s)`)
    try {
      const answered = await exchange(url, init, maxBytes)
      log.debug(`${line}: ${answered.status} in ${took()}${shownHeaders(answered.headers)}`)
      return answered
    } catch (error) {
      log.debug(`${line}: failed after ${took()}: ${forLog(failureReason(error), 200)}`)
      throw error
    }
  }
}

/** Answer headers whose (checked) shape cannot hold a secret: a request id, numbers. */
const SHOWN_HEADERS = [
  'x-github-request-id',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after'
]

function shownHeaders(raw: Exchange['headers']): string {
  const headers = knownHeaders(raw)
  const shown = SHOWN_HEADERS.flatMap((name) => {
    const value = headers.get(name)
    return value === undefined ? [] : [`${name}: ${value}`]
  })
  return shown.length > 0 ? ` (${shown.join(', ')})` : ''
}
