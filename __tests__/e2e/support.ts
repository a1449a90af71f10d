import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http'
import { connect, createServer, type AddressInfo } from 'node:net'
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions
} from '../../tools/github-simulator.ts'
import type { ActionRun } from '../../tools/run-action.ts'

const running: Simulator[] = []

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
  await Promise.all(stopping.map((simulator) => simulator.close()))
  for (const simulator of stopping) expect(simulator.violations).toEqual([])
})

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
 * Neither token may appear anywhere a person or a file could see it: the log (raw stdout less the
 * `::add-mask::` commands the runner consumes), stderr, the summary, and outputs other than `token`.
 */
export function expectNoLeak(run: ActionRun, secrets: string[]): void {
  const visibleStdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of secrets) {
    expect(visibleStdout).not.toContain(secret)
    expect(run.stderr).not.toContain(secret)
    expect(run.log).not.toContain(secret)
    expect(run.summary).not.toContain(secret)
    for (const [name, value] of Object.entries(run.outputs)) {
      if (name !== 'token') expect(value).not.toContain(secret)
    }
  }
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
