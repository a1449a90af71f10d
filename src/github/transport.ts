/**
 * The `fetch` Octokit uses when no proxy applies: one request over node:http or node:https.
 *
 * Why not fetch itself: this step runs once per process, and a cold start is most of its cost.
 * The npm package undici (what @actions/github sends with) and Node's own fetch (undici built in)
 * each cost 12-25 ms to load before the first byte is sent; node:http is already part of the
 * floor (see docs/benchmarks.md). Proxied requests still go through undici and the dispatcher
 * @actions/http-client builds, exactly as @actions/github does.
 *
 * It implements what Octokit's request reads of a fetch answer (status, url, headers, text(),
 * arrayBuffer(), json()), errors shaped as fetch's (TypeError with the cause; the signal's reason
 * when aborted). A redirect's next hop is made as fetch makes it (POST becomes GET on 301-303,
 * the credential is dropped for another origin), then handed to Node's fetch, which follows any
 * further redirects: the request that was answered with the redirect is never sent again.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | null
  signal?: AbortSignal | null
  redirect?: 'follow' | 'error' | 'manual'
}

/** The part of a fetch Response that Octokit reads. */
export interface FetchResponse {
  status: number
  statusText: string
  url: string
  headers: AnswerHeaders
  body: null
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
  json(): Promise<unknown>
}

/** Lower-cased header names, as fetch's Headers gives them; repeated values joined by ', '. */
export class AnswerHeaders implements Iterable<[string, string]> {
  private readonly values = new Map<string, string>()

  constructor(raw: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined)
        this.values.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.values[Symbol.iterator]()
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

export async function directFetch(url: string, init: FetchInit = {}): Promise<FetchResponse> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const { status, statusText, headers, body } = await new Promise<{
    status: number
    statusText: string
    headers: IncomingHttpHeaders
    body: Buffer
  }>((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(
        init.signal?.aborted
          ? init.signal.reason
          : Object.assign(new TypeError('fetch failed'), { cause: error })
      )
    const req = send(
      target,
      { method: init.method ?? 'GET', headers: init.headers, signal: init.signal ?? undefined },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', fail)
        res.on('end', () =>
          resolve({
            // Always set on a response (only requests leave them undefined).
            status: Number(res.statusCode),
            statusText: String(res.statusMessage),
            headers: res.headers,
            body: Buffer.concat(chunks)
          })
        )
      }
    )
    req.on('error', fail)
    req.end(init.body ?? undefined)
  })
  if (REDIRECTS.has(status) && headers.location && init.redirect !== 'manual') {
    return globalThis.fetch(
      ...nextHop(target, status, headers.location, init)
    ) as unknown as Promise<FetchResponse>
  }
  return answer(url, status, statusText, new AnswerHeaders(headers), body)
}

/** The request a redirect asks for, by the fetch standard's rules for the first hop. */
export function nextHop(
  from: URL,
  status: number,
  location: string,
  init: FetchInit
): [URL, RequestInit] {
  const next = new URL(location, from)
  const method = init.method ?? 'GET'
  const toGet =
    status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).filter(
      ([name]) => next.origin === from.origin || name.toLowerCase() !== 'authorization'
    )
  )
  return [
    next,
    {
      ...init,
      method: toGet ? 'GET' : method,
      body: toGet ? undefined : init.body,
      headers
    } as RequestInit
  ]
}

/** A fetch-like answer over a body that has been read in full. */
export function answer(
  url: string,
  status: number,
  statusText: string,
  headers: AnswerHeaders,
  body: Buffer
): FetchResponse {
  const text = () => Promise.resolve(body.toString('utf8'))
  return {
    status,
    statusText,
    url,
    headers,
    body: null,
    text,
    arrayBuffer: () =>
      Promise.resolve(
        body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
      ),
    json: () => text().then((t) => JSON.parse(t) as unknown)
  }
}
