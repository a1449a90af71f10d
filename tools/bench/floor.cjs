// The floor of remove-token: the same POST the action makes, with node:https and nothing else.
// HTTPS, as GitHub's API is: the TLS handshake is part of any real call. CommonJS on purpose: an
// ES module importing node:http(s) reads its lazy WebSocket getters and loads Node's internal
// undici (about 20 ms) that the request itself does not need.
// Usage: node floor.cjs <remove-token URL>, with INPUT_TOKEN set.
const { request } = require('node:https')

const req = request(
  process.argv[2],
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
      if (res.statusCode !== 201) throw new Error(`the mint answered ${res.statusCode}`)
      process.stdout.write(`expires_at ${JSON.parse(body).expires_at}\n`)
    })
  }
)
req.end()
