/**
 * How a request travels: the `fetch` Octokit is given, over node:http/node:https. It is the trust
 * boundary for everything the network sends back:
 * - every request stays on `api-url`'s origin (scheme, host, port): the credential is never sent
 *   anywhere else;
 * - a redirect is followed only to the same resource: GitHub's renamed-repository redirect
 *   (`/repos/{owner}/{repo}/X` -> `/repositories/{id}/X`, same X, query and method); any other is
 *   refused, so no request reaches a resource the step did not choose;
 * - one attempt ends within the time-out (a timer that keeps the process alive until it fires),
 *   and every way an answer can end (early, reset, upgraded, encoded, never) settles it;
 * - compression is never asked for, and an encoded answer is refused rather than decoded; the body
 *   is read up to MAX_BODY_BYTES, never further;
 * - only the answer headers this action reads are passed on, each of its documented shape, and an
 *   error's JSON body only as the strings this action reads (Octokit's message builder can throw
 *   on other JSON, such as a number too large for a double).
 *
 * Why not fetch: a cold start is most of this step's cost, and undici (what @actions/github sends
 * with) or Node's own fetch cost 12-30 ms to load before the first byte; node:https is part of the
 * floor anyway (docs/benchmarks.md). Through a proxy, Node's own agent tunnels (`proxyEnv`,
 * Node 24.5), choosing the proxy as @actions/http-client does (HTTPS_PROXY, NO_PROXY).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { forLog } from '../step/text.js'

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | null
}

/** The part of a fetch Response that Octokit reads. */
export interface FetchResponse {
  status: number
  statusText: string
  url: string
  headers: Map<string, string>
  body: null
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
}

/** What one exchange with the server gave: status, raw headers, the whole (bounded) body. */
export interface Exchange {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** One request as it goes out: every field set, and the attempt's deadline as its signal. */
export interface Outgoing {
  method: string
  headers: Record<string, string>
  body: string | null
  signal: AbortSignal
}

/** Sends one request (no redirect followed) and reads its answer, within `maxBytes`. */
export type Exchanger = (url: URL, init: Outgoing, maxBytes: number) => Promise<Exchange>

export const MAX_BODY_BYTES = 4 * 1024 * 1024

export type TransportProblem = 'off-origin' | 'redirect' | 'unreadable' | 'body-too-large'

/** A request this transport refused to send on, or an answer it refused to read. Never retried. */
export class TransportError extends Error {
  override name = 'TransportError'
  constructor(
    readonly problem: TransportProblem,
    message: string
  ) {
    super(message)
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The fetch for one client: pinned to `apiUrl`'s origin; `exchange` sends one request. */
export function pinnedFetch(
  apiUrl: string,
  timeoutMs: number,
  exchange: Exchanger,
  maxBytes = MAX_BODY_BYTES
) {
  const base = new URL(apiUrl)
  return async (url: string, init: FetchInit = {}): Promise<FetchResponse> => {
    const deadline = new AbortController()
    // Ref'd: a server that never answers cannot let the event loop empty under a pending request.
    const timer = setTimeout(
      () => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs
    )
    const request: Outgoing = {
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body ?? null,
      signal: deadline.signal
    }
    try {
      let target = new URL(url)
      refuseOffOrigin(target, base.origin, 'a request')
      for (let hop = 0; ; hop++) {
        const answered = await exchange(target, request, maxBytes)
        if (!REDIRECTS.has(answered.status)) return fetchResponse(target, answered)
        target = redirectTarget(target, answered, request.method, base, hop)
      }
    } finally {
      clearTimeout(timer)
    }
  }
}

function refuseOffOrigin(url: URL, origin: string, what: string): void {
  const outside = offOrigin(url, origin)
  if (outside) throw new TransportError('off-origin', `${what} ${outside.said}`)
}

/**
 * Where `url` points when that is not `origin` (`https://elsewhere`, or `a data: URL`), and the
 * words for it; undefined when it is on `origin`. A path or query is never named.
 */
export function offOrigin(url: URL, origin: string): { other: string; said: string } | undefined {
  if (url.origin === origin) return undefined
  const other = url.origin === 'null' ? `a ${url.protocol} URL` : url.origin
  return {
    other,
    said: `pointed to ${other}, outside 'api-url' (${origin}); nothing was sent there`
  }
}

/** Where a redirect may lead: the same resource of a renamed repository, once. */
function redirectTarget(from: URL, answered: Exchange, method: string, base: URL, hop: number) {
  const status = answered.status
  const refuse = (why: string) =>
    new TransportError('redirect', `the server answered ${method} with ${status}, ${why}`)
  const location = header(answered.headers, 'location')
  const next = location === undefined ? null : URL.parse(location, from.href)
  if (!next) throw refuse('a redirect with no URL to follow')
  refuseOffOrigin(next, base.origin, `a ${status} redirect`)
  const prefix = base.pathname.replace(/\/$/, '')
  const asked = from.pathname.slice(prefix.length).match(/^\/repos\/[^/]+\/[^/]+(\/.*)?$/)
  const given = next.pathname.slice(prefix.length).match(/^\/repositories\/\d{1,20}(\/.*)?$/)
  const same =
    status !== 303 &&
    hop === 0 &&
    from.pathname.startsWith(prefix) &&
    next.pathname.startsWith(prefix) &&
    asked !== null &&
    given !== null &&
    asked[1] === given[1] &&
    next.search === from.search
  if (same) return next
  throw refuse(
    `a redirect to ${forLog(next.pathname + next.search, 200)}, which is not the resource asked ` +
      `for (${forLog(from.pathname + from.search, 200)}); not followed`
  )
}

/** The headers this action (and Octokit) read, when their value has the shape GitHub sends. */
const HEADER_SHAPES: Record<string, RegExp> = {
  'content-type': /^[\w.+-]+\/[\w.+-]+(?:[ \t]*;[ \t]*[\w-]+=[\w."-]+)*$/,
  link: /^[\x20-\x7e]{1,8192}$/,
  // GitHub's shape: colon-separated groups of hex digits (CF94:2BE0:1E4A3E:3CE7D0:6400F8B0).
  'x-github-request-id': /^[0-9A-F]{1,8}(?::[0-9A-F]{1,8}){2,5}$/,
  'x-ratelimit-remaining': /^\d{1,10}$/,
  'x-ratelimit-reset': /^\d{1,12}$/,
  'retry-after': /^\d{1,10}$/,
  'x-accepted-github-permissions': /^[a-z_]+=[a-z]+(?:\s*[,;]\s*[a-z_]+=[a-z]+){0,20}$/,
  'x-github-sso': /^[\x20-\x7e]{1,1024}$/
}

/** Header values pass only in their documented shape: anything else counts as absent. */
export function knownHeaders(raw: Exchange['headers']): Map<string, string> {
  const headers = new Map<string, string>()
  for (const [name, pattern] of Object.entries(HEADER_SHAPES)) {
    const value = header(raw, name)
    if (value !== undefined && pattern.test(value)) headers.set(name, value)
  }
  return headers
}

function header(raw: Exchange['headers'], name: string): string | undefined {
  const value = raw[name]
  return Array.isArray(value) ? value.join(', ') : value
}

function fetchResponse(url: URL, answered: Exchange): FetchResponse {
  const headers = knownHeaders(answered.headers)
  const body =
    answered.status >= 400 && /json/i.test(headers.get('content-type') ?? '')
      ? errorBody(answered.body)
      : answered.body
  return {
    status: answered.status,
    statusText: '',
    url: url.href,
    headers,
    body: null,
    text: () => Promise.resolve(body.toString('utf8')),
    arrayBuffer: () =>
      Promise.resolve(
        body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
      )
  }
}

/** An error's JSON body as the strings GitHub documents (`message`, `documentation_url`), or none. */
function errorBody(raw: Buffer): Buffer {
  let data: unknown
  try {
    data = JSON.parse(raw.toString('utf8'))
  } catch {
    return Buffer.alloc(0)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return Buffer.alloc(0)
  const { message, documentation_url } = data as Record<string, unknown>
  const strings = Object.entries({ message, documentation_url }).filter(
    ([, value]) => typeof value === 'string'
  )
  return Buffer.from(JSON.stringify(Object.fromEntries(strings)))
}

/** Node 24.5 is the first to tunnel through `proxyEnv` (actions/runner v2.328.0 bundles it). */
function tunnels(nodeVersion: string): boolean {
  const [major, minor] = nodeVersion.split('.').map(Number)
  return Number(major) > 24 || (major === 24 && Number(minor) >= 5)
}

/**
 * Sends one request over node:http or node:https, through the proxy @actions/http-client would
 * pick for `apiUrl` (HTTPS_PROXY or HTTP_PROXY, NO_PROXY; never for loopback), if any.
 */
export function nodeExchanger(
  apiUrl: string,
  nodeVersion = process.versions.node
): { exchange: Exchanger; via: string; close(): void } {
  const target = new URL(apiUrl)
  const proxy = getProxyUrl(target)
  const tls = target.protocol === 'https:'
  let agent: HttpAgent | undefined
  if (proxy) {
    if (!tunnels(nodeVersion)) {
      throw new Error(
        `A proxy is set for 'api-url' (${tls ? 'HTTPS_PROXY' : 'HTTP_PROXY'}), and this runner's ` +
          `Node ${forLog(nodeVersion, 20)} cannot send through one: update the runner to v2.328.0 ` +
          'or later (Node 24.5), or set NO_PROXY for this host.'
      )
    }
    const proxyEnv = { [tls ? 'HTTPS_PROXY' : 'HTTP_PROXY']: proxy.href }
    agent = tls ? new HttpsAgent({ proxyEnv }) : new HttpAgent({ proxyEnv })
  }
  const send = tls ? httpsRequest : httpRequest
  const exchange: Exchanger = (url, init, maxBytes) =>
    new Promise((resolve, reject) => {
      const fail = (error: unknown) =>
        reject(
          init.signal.aborted
            ? init.signal.reason
            : error instanceof TransportError
              ? error
              : Object.assign(new TypeError('fetch failed'), { cause: error })
        )
      const unreadable = (why: string) => {
        req.destroy()
        fail(new TransportError('unreadable', `the server answered ${why}; not read`))
      }
      const req = send(
        url,
        { method: init.method, headers: init.headers, signal: init.signal, agent },
        (res) => {
          const status = Number(res.statusCode)
          const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase()
          if (status < 200) return unreadable(`${status}, which is not an answer to a request`)
          if (encoding !== 'identity') {
            return unreadable(`with a ${forLog(encoding, 40)} body, which it was not asked for`)
          }
          readBounded(res, maxBytes, () => req.destroy()).then(
            (body) => resolve({ status, headers: res.headers, body }),
            fail
          )
        }
      )
      req.on('upgrade', (_res, socket) => {
        socket.destroy()
        unreadable('101, switching to another protocol')
      })
      req.on('error', fail)
      req.end(init.body ?? undefined)
    })
  return {
    exchange,
    via: proxy ? 'through the proxy' : 'directly, with no proxy',
    close: () => agent?.destroy()
  }
}

/** Reads a whole body, abandoning it (and the connection) past `maxBytes`. */
async function readBounded(
  body: AsyncIterable<Buffer>,
  maxBytes: number,
  abandon: () => void
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > maxBytes) {
      abandon()
      throw new TransportError(
        'body-too-large',
        `the answer's body is larger than ${maxBytes / 1024 / 1024} MiB; it was abandoned unread`
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
