/**
 * What tests start around the one fake GitHub (github-simulator.ts): a simulator stopped after the
 * test, which fails the test on any violation; the one fake proxy; a closed port; a deadline; the
 * credentials tests send.
 */
import { createServer, request as httpRequest, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import {
  startSimulator,
  type RecordedRequest,
  type Simulator,
  type SimulatorOptions
} from './github-simulator.ts'

const closing: { close(): Promise<void> }[] = []
const checked: Simulator[] = []

afterEach(async () => {
  const simulators = checked.splice(0)
  await Promise.all(closing.splice(0).map((server) => server.close()))
  for (const simulator of simulators) expect(simulator.violations).toEqual([])
})

/**
 * A simulator that is stopped after the test, which fails if any request the action sent, or any
 * answer the test scripted, broke GitHub's description without being declared off-spec.
 */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator(options)
  closing.push(simulator)
  checked.push(simulator)
  return simulator
}

export type Script = (request: RecordedRequest, res: ServerResponse, n: number) => void

/**
 * A hostile GitHub, stopped after the test: every request, described or not, reaches `answer`,
 * which answers by hand on `res` (`n` counts requests from 1); nothing it sends is checked.
 */
export function startHostile(answer: Script, tls?: SimulatorOptions['tls']): Promise<Simulator> {
  let n = 0
  return startTestSimulator({
    offSpec: 'a hostile server, scripted by hand',
    tls,
    respond: (request, res) => void answer(request, res, ++n)
  })
}

export interface Proxy {
  url: string
  /** `CONNECT host:port` or `GET http://host/path`, as the proxy received them. */
  seen: { line: string; proxyAuthorization?: string }[]
  connections: number
  close(): Promise<void>
}

/**
 * A proxy on 127.0.0.1, stopped after the test, that sends every request, whatever its host, to
 * one loopback port; with no port, it accepts and never answers (a hung proxy); with 'drop', it
 * closes every CONNECT's connection unanswered.
 */
export async function startProxy(targetPort?: number | 'drop'): Promise<Proxy> {
  const server = createServer((req, res) => {
    note(`${req.method} ${req.url}`, req.headers['proxy-authorization'])
    if (typeof targetPort !== 'number') return
    const { pathname } = new URL(req.url ?? '/')
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: pathname,
        headers: req.headers
      },
      (answer) => answer.pipe(res.writeHead(answer.statusCode ?? 502, answer.headers))
    )
    // The client gave up (a time-out): the upstream request goes with it.
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req, client, head) => {
    note(`CONNECT ${req.url}`, req.headers['proxy-authorization'])
    if (targetPort === 'drop') return void client.destroy()
    if (targetPort === undefined) return void client.on('error', () => undefined)
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  // Tunnels leave the HTTP server's bookkeeping: each socket is ended by hand on close.
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    proxy.connections = sockets.add(socket).size
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy: Proxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
  const note = (line: string, proxyAuthorization?: string) =>
    proxy.seen.push({ line, proxyAuthorization })
  closing.push(proxy)
  return proxy
}

/** A loopback port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Rejects if `promise` has not settled within `ms` (so a hung socket fails the test, fast). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

export const INPUT_TOKEN = 'ghp_e2eInputTokenNeverShown000000000000'

/** A unique remove token per call, so a leak can be traced to the test that caused it. */
let minted = 0
export function mintedToken(): string {
  minted += 1
  return `AE2EMINTEDTOKEN${String(minted).padStart(14, '0')}`
}
