/**
 * A GitHub REST API simulator on 127.0.0.1, for end-to-end tests, `npm run demo` and local runs.
 *
 * It routes by GitHub's own description of the operations we call (spec/github-operations.json):
 * a request whose path, method, parameters or body the description does not allow is refused and
 * recorded as a violation, and so is an answer a test asks it to send that the description does not
 * allow (unless the test declares it off-spec on purpose). By default it answers with GitHub's
 * documented example. Tests assert that `violations` stays empty.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Contract } from './github-contract.ts'

export interface RecordedRequest {
  method: string
  /** Path as sent, prefix included, e.g. `/api/v3/orgs/octo/actions/runners/remove-token`. */
  path: string
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
  raw?: string
  /** Reset the connection (TCP RST) without answering. */
  reset?: boolean
  /** Never answer (a hung server); the connection is closed when the simulator stops. */
  hang?: boolean
  /**
   * Why this answer breaks GitHub's description on purpose (a fault to inject). Without it, an
   * answer the description does not allow is a violation and is not sent.
   */
  offSpec?: string
}

/** Chooses the answer to one accepted request; the default is GitHub's documented example. */
export type Responder = (request: RecordedRequest) => Answer | Promise<Answer>

export interface SimulatorOptions {
  /** `/api/v3` to stand in for GitHub Enterprise Server. */
  pathPrefix?: string
  respond?: Responder
}

export interface Violation {
  request: string
  reason: string
}

export interface Simulator {
  /** Base URL to pass as `api-url`, e.g. `http://127.0.0.1:40123/api/v3`. */
  url: string
  requests: RecordedRequest[]
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
  const hung = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      violations.push({
        request: `${req.method} ${req.url}`,
        reason: `simulator error: ${String(error)}`
      })
      send(res, githubError(500, `simulator error: ${String(error)}`))
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
      query: {},
      headers: { ...req.headers, authorization: redactCredential(req.headers.authorization) },
      body,
      receivedAt
    }
    requests.push(request)
    const line = `${request.method} ${request.path}${url.search}`
    const refuse = (status: number, reason: string) => {
      violations.push({ request: line, reason })
      send(res, githubError(status, `Simulator: ${reason}`))
    }
    if (!request.path.startsWith(`${prefix}/`)) return refuse(404, `the path is outside ${prefix}/`)
    const match = contract.matchRequest(
      request.method,
      request.path.slice(prefix.length),
      url.searchParams,
      body
    )
    if ('problem' in match) return refuse(404, match.problem)
    Object.assign(request, match)
    if (!request.headers.authorization) {
      return send(res, githubError(401, 'Requires authentication'))
    }

    const answer = await respond(request)
    if (answer.reset) return void req.socket.resetAndDestroy()
    if (answer.hang) return void hung.add(res)
    const problem =
      answer.offSpec === undefined &&
      contract.checkAnswer(match.operationId, answer.status, answerBody(answer))
    if (problem) {
      return refuse(
        500,
        `the answer given for ${match.operationId} (${answer.status}) breaks GitHub's description: ${problem}`
      )
    }
    send(res, answer)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function answerBody(answer: Answer): unknown {
  if (answer.raw === undefined) return answer.json
  try {
    return JSON.parse(answer.raw)
  } catch {
    return answer.raw
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const body = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json))
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.json !== undefined && !hasHeader(headers, 'content-type')) {
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  if (!hasHeader(headers, 'x-github-request-id'))
    headers['x-github-request-id'] = 'E2E0:0000:000000:000000:00000000'
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
