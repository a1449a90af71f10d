import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { startSimulator, type Simulator, type SimulatorOptions } from './github-simulator.ts'
import type { ActionRun } from './run-action.ts'
import { parseCommand } from './runner-log.ts'

const running: Simulator[] = []
const closing: { close(): Promise<void> }[] = []

/** Closes `server` after the test, whatever its outcome. */
export function closeAfterTest<T extends { close(): Promise<void> }>(server: T): T {
  closing.push(server)
  return server
}

/**
 * A simulator that is stopped after the test, which fails if any request the action sent, or any
 * answer the test scripted, broke GitHub's description.
 */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator(options)
  running.push(simulator)
  return simulator
}

afterEach(async () => {
  const stopping = running.splice(0)
  await Promise.all([...stopping, ...closing.splice(0)].map((server) => server.close()))
  for (const simulator of stopping) expect(simulator.violations).toEqual([])
})

/** A request as a scripted server received it. */
export interface Seen {
  method: string
  url: string
  body: string
  authorization?: string
}

export interface ScriptedServer {
  /** `http://127.0.0.1:PORT` (or `https://`), the server's origin. */
  url: string
  seen: Seen[]
  /** TCP connections accepted (a TLS handshake the client refused is one, with no request). */
  connections: number
  close(): Promise<void>
}

/**
 * A loopback server whose every answer the test scripts (`n` counts requests from 1); it records
 * what it received and is closed after the test. With `tls`, it serves https with that key and
 * certificate.
 */
export async function startScripted(
  answer: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  tls?: { key: string; cert: string }
): Promise<ScriptedServer> {
  const seen: Seen[] = []
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: req.headers.authorization
      })
      res.on('error', () => undefined)
      answer(req, res, seen.length)
    })
  }
  const server: Server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle)
  // A client that refuses the certificate ends the handshake: not the server's failure.
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const scripted: ScriptedServer = closeAfterTest({
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
  server.on('connection', () => (scripted.connections += 1))
  return scripted
}

/** A loopback port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export const INPUT_TOKEN = 'ghp_e2eInputTokenNeverShown000000000000'

/** A unique remove token per call, so a leak can be traced to the test that caused it. */
let minted = 0
export function mintedToken(): string {
  minted += 1
  return `AE2EMINTEDTOKEN${String(minted).padStart(14, '0')}`
}

/**
 * What an echo of a secret may look like: the secret, its first 8 characters (a secret cut
 * short), JSON-escaped, URL-encoded (JavaScript's and .NET's way), and base64 (standard and
 * URL-safe) at each of the three byte alignments it can take inside a longer encoded text. Forms
 * shorter than 8 characters (other than the secret itself) are too common to look for.
 */
export function leakForms(secret: string): { kind: string; form: string }[] {
  const bytes = Buffer.from(secret, 'utf8')
  const url = encodeURIComponent(secret)
  const forms = [
    { kind: 'raw', form: secret },
    { kind: 'first 8 characters', form: secret.slice(0, 8) },
    { kind: 'JSON-escaped', form: JSON.stringify(secret).slice(1, -1) },
    { kind: 'URL-encoded', form: url },
    {
      kind: 'URL-encoded (.NET)',
      form: url.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    },
    ...[0, 1, 2].flatMap((shift) => {
      const whole = bytes.subarray(shift, shift + Math.floor((bytes.length - shift) / 3) * 3)
      return [
        { kind: `base64 from byte ${shift}`, form: whole.toString('base64') },
        { kind: `base64url from byte ${shift}`, form: whole.toString('base64url') }
      ]
    })
  ]
  return forms.filter(
    ({ form }, index) =>
      (form === secret || form.length >= 8) &&
      forms.findIndex((other) => other.form === form) === index
  )
}

/**
 * No secret may appear, in any form `leakForms` lists, anywhere a person or a file could see it:
 * stdout less the `::add-mask::` commands the runner consumes, stderr, the rendered log, the
 * summary, and every output but the minted token's own (`token`).
 */
export function expectNoLeak(run: ActionRun, secrets: string[]): void {
  const visibleStdout = run.stdout
    .split(/\r\n|\r|\n/)
    .filter((line) => parseCommand(line)?.name !== 'add-mask')
    .join('\n')
  const places: [string, string][] = [
    ['stdout', visibleStdout],
    ['stderr', run.stderr],
    ['log', run.log],
    ['summary', run.summary],
    ...Object.entries(run.outputs)
      .filter(([name]) => name !== 'token')
      .map(([name, value]): [string, string] => [`output ${name}`, value])
  ]
  secrets.forEach((secret, index) => {
    for (const { kind, form } of leakForms(secret)) {
      for (const [place, text] of places) {
        const at = text.indexOf(form)
        if (at < 0) continue
        const around = `${text.slice(Math.max(0, at - 60), at)}[HERE]${text.slice(at + form.length, at + form.length + 60)}`
        throw new Error(`${place} shows secret ${index + 1} (${kind}): ${JSON.stringify(around)}`)
      }
    }
  })
}

/** `::add-mask::SECRET` comes before any other line that holds SECRET. */
export function expectMaskedFirst(run: ActionRun, secret: string): void {
  const lines = run.stdout.split('\n')
  const maskAt = lines.indexOf(`::add-mask::${secret}`)
  expect(maskAt).toBeGreaterThanOrEqual(0)
  expect(lines.findIndex((line) => line.includes(secret))).toBe(maskAt)
}

export interface LoopbackProxy {
  url: string
  /** `CONNECT host:port` or `GET http://host/path`, as the proxy received them. */
  seen: { line: string; proxyAuthorization?: string }[]
  close(): Promise<void>
}

/** A proxy on 127.0.0.1 that sends every request, whatever its host, to one loopback port. */
export async function startProxy(targetPort: number): Promise<LoopbackProxy> {
  const seen: LoopbackProxy['seen'] = []
  const server: Server = createHttpServer((req, res) => {
    seen.push({
      line: `${req.method} ${req.url}`,
      proxyAuthorization: req.headers['proxy-authorization']
    })
    const url = new URL(req.url ?? '/')
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: url.pathname,
        headers: req.headers
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    req.pipe(upstream)
  })
  server.on('connect', (req, client, head) => {
    seen.push({
      line: `CONNECT ${req.url}`,
      proxyAuthorization: req.headers['proxy-authorization']
    })
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * A TCP server on 127.0.0.1, closed after the test, that counts connections and answers each with
 * `response`, byte for byte, once it has read something; with no response it never says a word
 * (a hung proxy or server).
 */
export async function startRawServer(
  response?: string
): Promise<{ url: string; connections: number }> {
  const sockets = new Set<Socket>()
  const state = { url: '', connections: 0 }
  const server = createServer((socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.on('error', () => undefined)
    if (response !== undefined) socket.once('data', () => socket.end(response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  closeAfterTest({
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  })
  return state
}
