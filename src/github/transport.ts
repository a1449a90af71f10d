/**
 * How a request travels: the `fetch` Octokit is given. It is the trust boundary for everything
 * the network sends back:
 * - every request, redirects included, stays on `api-url`'s origin (scheme, host, port): the
 *   credential is never sent anywhere else;
 * - one attempt, redirects included, ends within the time-out, and its body is read up to
 *   MAX_BODY_BYTES (decoded size), never further;
 * - same-origin 301/302/307/308 are repeated as GitHub's REST guidance asks (same method, headers
 *   and body), a few hops at most; a redirect that would turn the request into a GET is refused;
 * - only the answer headers this action reads are passed on, each of its documented shape.
 *
 * Why not fetch itself: a cold start is most of this step's cost, and the npm package undici (what
 * @actions/github sends with) or Node's own fetch cost 12-25 ms to load before the first byte;
 * node:http is already part of the floor (docs/benchmarks.md). Through a proxy, undici and the
 * dispatcher @actions/http-client builds for `api-url` send it, with redirects left to us.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | null
  signal?: AbortSignal | null
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
export const MAX_REDIRECTS = 3

export type TransportProblem =
  | 'off-origin'
  | 'redirect-to-get'
  | 'redirect-without-location'
  | 'redirect-loop'
  | 'body-too-large'

/** A request this transport refused to send on, or an answer it refused to read. Never retried. */
export class TransportError extends Error {
  override name = 'TransportError'
  constructor(
    readonly problem: TransportProblem,
    message: string,
    /** The other origin, for `off-origin` (scheme, host, port: never a path or query). */
    readonly origin?: string
  ) {
    super(message)
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * The fetch for one client: pinned to `apiUrl`'s origin; `exchange` sends one request (directly,
 * or through the proxy).
 */
export function pinnedFetch(
  apiUrl: string,
  timeoutMs: number,
  exchange: Exchanger,
  maxBytes = MAX_BODY_BYTES
) {
  const origin = new URL(apiUrl).origin
  return async (url: string, init: FetchInit = {}): Promise<FetchResponse> => {
    const request: Outgoing = {
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body ?? null,
      signal: AbortSignal.any([
        AbortSignal.timeout(timeoutMs),
        ...(init.signal ? [init.signal] : [])
      ])
    }
    let target = onOrigin(new URL(url), origin, 'a request')
    for (let hop = 0; ; hop++) {
      const answered = await exchange(target, request, maxBytes)
      if (!REDIRECTS.has(answered.status)) return fetchResponse(target, answered)
      target = redirectTarget(target, answered, request.method, origin, hop)
    }
  }
}

function onOrigin(url: URL, origin: string, what: string): URL {
  const outside = offOrigin(url, origin)
  if (!outside) return url
  throw new TransportError('off-origin', `${what} ${outside.said}`, outside.other)
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

function redirectTarget(
  from: URL,
  answered: Exchange,
  method: string,
  origin: string,
  hop: number
): URL {
  const location = header(answered.headers, 'location')
  const status = answered.status
  if (location === undefined) {
    throw new TransportError(
      'redirect-without-location',
      `the server answered ${status} (a redirect) without saying where to`
    )
  }
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new TransportError(
      'redirect-without-location',
      `the server answered ${status} with a Location that is not a URL`
    )
  }
  onOrigin(next, origin, `a ${status} redirect`)
  if (status === 303 && method !== 'GET') {
    throw new TransportError(
      'redirect-to-get',
      `the server answered ${method} with 303, which asks for a GET elsewhere; not followed`
    )
  }
  if (hop >= MAX_REDIRECTS) {
    throw new TransportError(
      'redirect-loop',
      `the server redirected more than ${MAX_REDIRECTS} times in a row; not followed further`
    )
  }
  return next
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
  const { body } = answered
  return {
    status: answered.status,
    statusText: '',
    url: url.href,
    headers: knownHeaders(answered.headers),
    body: null,
    text: () => Promise.resolve(body.toString('utf8')),
    arrayBuffer: () =>
      Promise.resolve(
        body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
      )
  }
}

/** The zlib decoder for a content encoding; node:zlib is loaded only when an answer needs it. */
const DECODERS: Record<string, (zlib: typeof import('node:zlib')) => NodeJS.ReadWriteStream> = {
  gzip: (zlib) => zlib.createGunzip(),
  'x-gzip': (zlib) => zlib.createGunzip(),
  deflate: (zlib) => zlib.createInflate(),
  br: (zlib) => zlib.createBrotliDecompress()
}

/** One request over node:http or node:https, with no proxy. */
export const directExchange: Exchanger = (url, init, maxBytes) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const fail = (error: unknown) =>
      reject(
        init.signal.aborted
          ? init.signal.reason
          : Object.assign(new TypeError('fetch failed'), { cause: error })
      )
    const req = send(
      url,
      { method: init.method, headers: init.headers, signal: init.signal },
      (res) => {
        decoded(res, init.method)
          .then((body) => readBounded(body, maxBytes, () => req.destroy()))
          .then(
            (body) => resolve({ status: Number(res.statusCode), headers: res.headers, body }),
            (error: unknown) => (error instanceof TransportError ? reject(error) : fail(error))
          )
      }
    )
    req.on('error', fail)
    req.end(init.body ?? undefined)
  })

/** The body as sent, decoded; an answer that has no body (204, 205, 304, HEAD) is never decoded. */
async function decoded(
  res: IncomingMessage,
  method: string
): Promise<Readable | NodeJS.ReadWriteStream> {
  if (method === 'HEAD' || [204, 205, 304].includes(Number(res.statusCode))) return res
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  const decoder = DECODERS[encoding]
  if (!decoder) return res
  const stream = decoder(await import('node:zlib'))
  res.on('error', (error) => stream.emit('error', error))
  return res.pipe(stream)
}

/** Reads a whole body, abandoning it (and the connection) past `maxBytes`. */
export async function readBounded(
  body: AsyncIterable<unknown>,
  maxBytes: number,
  abandon: () => void
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Uint8Array).byteLength
    if (size > maxBytes) {
      abandon()
      throw new TransportError(
        'body-too-large',
        `the answer's body is larger than ${maxBytes / 1024 / 1024} MiB; it was abandoned unread`
      )
    }
    chunks.push(Buffer.from(chunk as Uint8Array))
  }
  return Buffer.concat(chunks)
}
