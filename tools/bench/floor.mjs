// The floor: the same POST the action makes, with node:http and nothing else.
import { request } from 'node:http'

const url = new URL(process.argv[2])
const req = request(
  url,
  {
    method: 'POST',
    headers: {
      authorization: `token ${process.env.INPUT_TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'bench-floor'
    }
  },
  (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => {
      const { expires_at: expiresAt } = JSON.parse(body)
      process.stdout.write(`expires_at ${expiresAt}\n`)
    })
  }
)
req.end()
