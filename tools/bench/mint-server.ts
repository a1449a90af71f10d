/**
 * The fastest GitHub stand-in there is, for timing the action and not a server: a loopback
 * server that answers every request 201 with a remove token, without checking anything.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export async function startMintServer(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' })
      res.end(
        '{"token":"ABENCHTOKEN0000000000000000001","expires_at":"2020-01-29T12:13:35.123-08:00"}'
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close()
  }
}
