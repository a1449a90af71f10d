/**
 * A GitHub REST API simulator on 127.0.0.1, for end-to-end tests, `npm run demo` and local runs.
 * It serves the remove-token operations, refuses any request GitHub would not accept, and records
 * every request so tests can assert exactly what was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** GitHub's documented example answer for the remove-token operations. */
export const EXAMPLE_REMOVE_TOKEN = {
  token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6',
  expires_at: '2020-01-29T12:13:35.123-08:00'
}

export interface RecordedRequest {
  method: string
  /** Path as sent, prefix included, e.g. `/api/v3/orgs/octo/actions/runners/remove-token`. */
  path: string
  /** The matched operation, e.g. `POST /orgs/{org}/actions/runners/remove-token`, or undefined. */
  operation?: string
  params: Record<string, string>
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
  raw?: string
  /** Reset the connection (TCP RST) without answering. */
  reset?: boolean
  /** Never answer (a hung server); the connection is closed when the simulator stops. */
  hang?: boolean
}

/** Chooses the answer to one accepted request; the default is GitHub's documented 201. */
export type Responder = (request: RecordedRequest) => Answer | Promise<Answer>

export interface SimulatorOptions {
  /** `/api/v3` to stand in for GitHub Enterprise Server. */
  pathPrefix?: string
  respond?: Responder
}

export interface Simulator {
  /** Base URL to pass as `api-url`, e.g. `http://127.0.0.1:40123/api/v3`. */
  url: string
  requests: RecordedRequest[]
  /** Requests the simulator refused as not allowed by the API; a test should expect none. */
  rejected: { request: RecordedRequest; reason: string }[]
  close(): Promise<void>
}

const OPERATIONS: { operation: string; pattern: RegExp; names: string[] }[] = [
  {
    operation: 'POST /repos/{owner}/{repo}/actions/runners/remove-token',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/actions\/runners\/remove-token$/,
    names: ['owner', 'repo']
  },
  {
    operation: 'POST /orgs/{org}/actions/runners/remove-token',
    pattern: /^\/orgs\/([^/]+)\/actions\/runners\/remove-token$/,
    names: ['org']
  },
  {
    operation: 'POST /enterprises/{enterprise}/actions/runners/remove-token',
    pattern: /^\/enterprises\/([^/]+)\/actions\/runners\/remove-token$/,
    names: ['enterprise']
  }
]

export const defaultResponder: Responder = () => ({ status: 201, json: EXAMPLE_REMOVE_TOKEN })

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const prefix = options.pathPrefix ?? ''
  const respond = options.respond ?? defaultResponder
  const requests: RecordedRequest[] = []
  const rejected: Simulator['rejected'] = []
  const hung = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: `simulator error: ${String(error)}`, status: '500' }))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now()
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      params: {},
      headers: req.headers,
      body,
      receivedAt
    }
    requests.push(request)
    const problem = validate(request, url, prefix)
    if (problem) {
      rejected.push({ request, reason: problem.reason })
      return send(res, problem.answer)
    }
    const answer = await respond(request)
    if (answer.reset) {
      req.socket.resetAndDestroy()
      return
    }
    if (answer.hang) {
      hung.add(res)
      return
    }
    send(res, answer)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Refuses what GitHub would refuse, with GitHub's error shape, labelled as the simulator's. */
function validate(
  request: RecordedRequest,
  url: URL,
  prefix: string
): { answer: Answer; reason: string } | undefined {
  const fail = (status: number, message: string) => ({
    reason: message,
    answer: {
      status,
      json: {
        message,
        documentation_url: 'https://docs.github.com/rest',
        status: String(status),
        simulated: 'runner-remove-token GitHub API simulator'
      }
    }
  })
  if (!request.path.startsWith(`${prefix}/`)) return fail(404, `Not Found: outside ${prefix}/`)
  const path = request.path.slice(prefix.length)
  const match = OPERATIONS.map((op) => ({ op, found: op.pattern.exec(path) })).find((m) => m.found)
  if (!match?.found) return fail(404, `Not Found: no operation at ${path}`)
  const { op, found } = match
  op.names.forEach((name, i) => (request.params[name] = decodeURIComponent(found[i + 1] ?? '')))
  request.operation = op.operation
  if (request.method !== 'POST') return fail(404, `Not Found: ${request.method} ${path}`)
  if (url.search !== '') return fail(422, `Unexpected query string ${url.search}`)
  if (request.body !== '') return fail(422, 'This operation takes no request body')
  if (!request.headers.authorization) return fail(401, 'Requires authentication')
  return undefined
}

function send(res: ServerResponse, answer: Answer): void {
  const body = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json))
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.json !== undefined && !hasHeader(headers, 'content-type')) {
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  if (!hasHeader(headers, 'x-github-request-id')) headers['x-github-request-id'] = 'SIM0:0000:0000'
  res.writeHead(answer.status, headers)
  res.end(body)
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
