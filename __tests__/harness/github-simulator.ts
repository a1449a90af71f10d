/**
 * The one fake GitHub: a REST API simulator on 127.0.0.1 for end-to-end and request-layer tests,
 * the bench, `npm run demo` and the load test.
 *
 * It routes by GitHub's own description of the operations we call (spec/github-operations.json):
 * a request whose path, method, parameters or body the description does not allow is refused and
 * recorded as a violation, and so is an answer a test scripts that the description does not allow,
 * unless the test declares it off-spec on purpose. By default it answers with GitHub's documented
 * example. A hostile server is one declared off-spec as a whole (`offSpec`): every request reaches
 * its responder, which may answer by hand on the raw response and socket (hold, reset, write
 * malformed bytes, end early, redirect). Tests assert that `violations` stays empty.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Contract } from './github-contract.ts'

export interface RecordedRequest {
  method: string
  /** Path as sent, prefix included, e.g. `/api/v3/orgs/octo/actions/runners/remove-token`. */
  path: string
  /** Path and query as sent. */
  url: string
  /** GitHub's operation ID, e.g. `actions/create-remove-token-for-org`, once matched. */
  operationId?: string
  /** The matched operation, e.g. `POST /orgs/{org}/actions/runners/remove-token`. */
  operation?: string
  params: Record<string, string>
  query: Record<string, string>
  /** As received, but `authorization` as `redactCredential` shows it: no token is ever kept. */
  headers: Record<string, string | string[] | undefined>
  body: string
  /** `Date.now()` when the request arrived. */
  receivedAt: number
}

/** What the simulator answers: a status, headers, and a JSON body or a raw string. */
export interface Answer {
  status: number
  headers?: Record<string, string>
  json?: unknown
  raw?: string | Buffer
  /** Why this answer breaks GitHub's description on purpose; without it, it is checked. */
  offSpec?: string
  /** Answers by hand on the raw response and socket instead (needs `offSpec`). */
  byHand?: (res: ServerResponse) => void
}

/** Resets the connection (TCP RST) without answering. */
export const RESET: Answer = {
  status: 0,
  offSpec: 'a connection reset',
  byHand: (res) => res.socket?.resetAndDestroy()
}
/** Never answers (a hung server); the connection is closed when the simulator stops. */
export const HANG: Answer = { status: 0, offSpec: 'a server that never answers', byHand: () => {} }

/**
 * Chooses the answer to one request: an `Answer`, or nothing once it answered by hand on `res`
 * (which only a server declared `offSpec` may do).
 */
export type Responder = (
  request: RecordedRequest,
  res: ServerResponse
) => Answer | undefined | Promise<Answer | undefined>

export interface SimulatorOptions {
  /** `/api/v3` to stand in for GitHub Enterprise Server. */
  pathPrefix?: string
  respond?: Responder
  /** Why this whole server is off GitHub's description (a hostile server): see the top. */
  offSpec?: string
  /** Serve https with this key and certificate. */
  tls?: { key: string; cert: string }
}

export interface Violation {
  request: string
  reason: string
}

export interface Simulator {
  /** Base URL to pass as `api-url`, e.g. `http://127.0.0.1:40123/api/v3`. */
  url: string
  port: number
  requests: RecordedRequest[]
  /** TCP connections accepted (a TLS handshake the client refused is one, with no request). */
  connections: number
  /** Requests and answers GitHub's description does not allow. A test expects none. */
  violations: Violation[]
  close(): Promise<void>
}

/** Labels the error answers the description does not document as the simulator's own. */
export const SIMULATED_ERROR_HEADER = 'x-simulator-error'

/**
 * An error answer in GitHub's real shape (`message`, `documentation_url`, `status`), for statuses
 * GitHub's description does not document (401, 403, 404, 429, 5xx), labelled as the simulator's.
 */
export function githubError(
  status: number,
  message: string,
  headers: Record<string, string> = {}
): Answer {
  return {
    status,
    headers: {
      [SIMULATED_ERROR_HEADER]: 'shape of GitHub errors; status not in the description',
      ...headers
    },
    json: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) }
  }
}

/**
 * `token ***(40 chars, sha256 1a2b3c4d5e6f)`: enough to check which credential was sent, without
 * keeping it where a test report or a log could show it.
 */
export function redactCredential(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const [scheme = '', credential = ''] = header.split(' ', 2)
  const digest = createHash('sha256').update(credential).digest('hex').slice(0, 12)
  return `${scheme} ***(${credential.length} chars, sha256 ${digest})`
}

let sharedContract: Contract | undefined

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const contract = (sharedContract ??= new Contract())
  const prefix = options.pathPrefix ?? ''
  const respond: Responder =
    options.respond ?? ((request) => contract.example(request.operationId as string))
  const requests: RecordedRequest[] = []
  const violations: Violation[] = []

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now()
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      url: req.url ?? '',
      params: {},
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers, authorization: redactCredential(req.headers.authorization) },
      body,
      receivedAt
    }
    requests.push(request)
    const refuse = (status: number, reason: string) => {
      violations.push({ request: `${request.method} ${request.url}`, reason })
      send(res, githubError(status, `Simulator: ${reason}`))
    }
    const inside = request.path.startsWith(`${prefix}/`)
    const match = inside
      ? contract.matchRequest(
          request.method,
          request.path.slice(prefix.length),
          url.searchParams,
          body
        )
      : { problem: `the path is outside ${prefix}/` }
    if ('problem' in match) {
      if (options.offSpec === undefined) return refuse(404, match.problem)
    } else Object.assign(request, match)
    if (options.offSpec === undefined && !request.headers.authorization) {
      return send(res, githubError(401, 'Requires authentication'))
    }
    const answer = await respond(request, res)
    if (!answer) {
      if (options.offSpec === undefined) refuse(500, 'answered by hand, but not declared offSpec')
      return
    }
    const offSpec = answer.offSpec ?? options.offSpec
    if (answer.byHand) {
      if (offSpec === undefined) return refuse(500, 'an answer by hand must say why (offSpec)')
      return answer.byHand(res)
    }
    const problem =
      offSpec === undefined &&
      (request.operationId === undefined
        ? 'the request matches no operation, so no answer can be checked'
        : contract.checkAnswer(request.operationId, answer.status, answerBody(answer)))
    if (problem) {
      const about = `the answer given for ${request.operationId ?? request.path} (${answer.status})`
      return refuse(500, `${about} breaks GitHub's description: ${problem}`)
    }
    send(res, answer)
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined)
    void handle(req, res).catch((error: unknown) => {
      violations.push({ request: `${req.method} ${req.url}`, reason: `simulator error: ${error}` })
      if (!res.headersSent) send(res, githubError(500, `simulator error: ${String(error)}`))
    })
  }
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener)
  // A client that refuses the certificate ends the handshake: not the server's failure.
  server.on('tlsClientError', () => undefined)
  server.on('connection', () => (simulator.connections += 1))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const simulator: Simulator = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    port,
    requests,
    connections: 0,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  return simulator
}

function answerBody(answer: Answer): unknown {
  if (answer.raw === undefined) return answer.json
  try {
    return JSON.parse(answer.raw.toString())
  } catch {
    return answer.raw.toString()
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const given = answer.headers ?? {}
  const has = (name: string) => Object.keys(given).some((key) => key.toLowerCase() === name)
  res.writeHead(answer.status, {
    ...(has('x-github-request-id')
      ? {}
      : { 'x-github-request-id': 'E2E0:0000:000000:000000:00000000' }),
    ...(answer.json === undefined || has('content-type')
      ? {}
      : { 'content-type': 'application/json; charset=utf-8' }),
    ...given
  })
  res.end(answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)))
}
