/**
 * The fastest GitHub stand-in there is, for timing the actions and not a server: a loopback
 * server answering the three calls the benchmarked scripts make as GitHub answers them (status,
 * `content-type: application/json; charset=utf-8`, body shape), and recording each request so a
 * run that did not make its calls is caught:
 *   POST   .../actions/runners/remove-token  201 {token, expires_at}
 *   GET    .../actions/runners               200 one page: {total_count, runners}, RUNNERS
 *   DELETE .../actions/runners/{id}          204 for a listed id, else 404
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The runners every list shows; the benchmarks delete the offline one, which is never gone. */
export const RUNNERS = [
  runner(21, 'spot-1', 'online', true),
  runner(22, 'spot-2', 'offline', false),
  runner(23, 'build-3', 'online', false)
]
export const OFFLINE_RUNNER = 'spot-2'

function runner(id: number, name: string, status: string, busy: boolean) {
  return {
    id,
    name,
    os: 'linux',
    status,
    busy,
    ephemeral: false,
    labels: [
      { id: 1, name: 'self-hosted', type: 'read-only' },
      { id: 2, name: 'linux', type: 'read-only' }
    ]
  }
}

const MINTED = JSON.stringify({
  token: 'ABENCHTOKEN0000000000000000001',
  expires_at: '2020-01-29T12:13:35.123-08:00'
})
const LISTED = JSON.stringify({ total_count: RUNNERS.length, runners: RUNNERS })
const NOT_FOUND = JSON.stringify({
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest',
  status: '404'
})

/** A request as recorded: method, path and the token it carried (without the scheme word). */
export interface Seen {
  method: string
  path: string
  token: string
}

export interface MintServer {
  url: string
  /** Every request since the last `take()`, and forgets them. */
  take(): Seen[]
  close(): void
}

export async function startMintServer(): Promise<MintServer> {
  let seen: Seen[] = []
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://loopback').pathname
      seen.push({
        method: req.method ?? '',
        path,
        token: (req.headers.authorization ?? '').replace(/^(?:token|bearer) /i, '')
      })
      answer(req, path, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const taken = seen
      seen = []
      return taken
    },
    close: () => {
      server.close()
      server.closeAllConnections()
    }
  }
}

function answer(req: IncomingMessage, path: string, res: ServerResponse): void {
  const json = (status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': 'C0DE:1234:5678AB:9ABCDE:6752F3A1'
    })
    res.end(body)
  }
  const runners = /\/actions\/runners(?:\/(\d+))?$/.exec(path)
  if (req.method === 'POST' && path.endsWith('/actions/runners/remove-token')) json(201, MINTED)
  else if (req.method === 'GET' && runners && !runners[1]) json(200, LISTED)
  else if (req.method === 'DELETE' && RUNNERS.some((r) => String(r.id) === runners?.[1])) {
    res.writeHead(204, { 'x-github-request-id': 'C0DE:1234:5678AB:9ABCDE:6752F3A2' })
    res.end()
  } else json(404, NOT_FOUND)
}
