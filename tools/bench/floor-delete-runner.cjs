// The floor of delete-runner: the same GET (list) then DELETE the action makes, with node:https
// and nothing else. HTTPS and CommonJS for the reasons floor.cjs gives.
// Usage: node floor-delete-runner.cjs <runners URL>, with INPUT_TOKEN and INPUT_RUNNER-NAME set.
const { request } = require('node:https')

const runners = process.argv[2]
const name = process.env['INPUT_RUNNER-NAME']
const headers = {
  authorization: `token ${process.env.INPUT_TOKEN}`,
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'bench-floor'
}

function send(method, url, then) {
  request(url, { method, headers }, (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => then(res.statusCode, body))
  }).end()
}

send('GET', `${runners}?per_page=100&name=${encodeURIComponent(name)}`, (status, body) => {
  if (status !== 200) throw new Error(`the list answered ${status}`)
  const runner = JSON.parse(body).runners.find((listed) => listed.name === name)
  if (!runner || runner.status !== 'offline') throw new Error(`no offline runner '${name}'`)
  send('DELETE', `${runners}/${runner.id}`, (deleted) => {
    if (deleted !== 204) throw new Error(`the deletion answered ${deleted}`)
    process.stdout.write(`deleted ${runner.id}\n`)
  })
})
