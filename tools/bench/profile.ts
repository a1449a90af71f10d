/**
 * `npm run bench:profile [-- --floor]`: one cold start of the bundled action (or of the floor
 * script) under `--cpu-prof`, against a loopback server answering 201, summarised by where the time
 * went: the bundle's modules (ncc marks each one), Node's own modules, V8, and idle time (waiting
 * for the answer). The raw profile is kept for Chrome DevTools.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputEnvironment, readActionMetadata, REPO_ROOT } from '../run-action.ts'
import { startMintServer } from './mint-server.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const metadata = await readActionMetadata()
const bundle = join(REPO_ROOT, metadata.runs.main)

/** Line ranges of the bundle, named by ncc's `// CONCATENATED MODULE:` / `// EXTERNAL MODULE:` marks. */
function moduleRanges(): { start: number; name: string }[] {
  const lines = readFileSync(bundle, 'utf8').split('\n')
  const names = new Map<string, string>()
  lines.forEach((line, i) => {
    const external = /^\/\/ EXTERNAL MODULE: (.+)$/.exec(line)
    const id = /__nccwpck_require__\((\d+)\)/.exec(lines[i + 1] ?? '')
    if (external?.[1] && id?.[1]) names.set(id[1], external[1])
  })
  const ranges: { start: number; name: string }[] = []
  lines.forEach((line, i) => {
    const cjs = /^\/\*\*\*\/ (\d+):$/.exec(line)
    if (cjs?.[1])
      ranges.push({ start: i, name: `${names.get(cjs[1]) ?? 'a dependency of those'} (CommonJS)` })
    const esm = /^;?\/\/ CONCATENATED MODULE: (.+)$/.exec(line)
    if (esm?.[1]) ranges.push({ start: i, name: esm[1] })
  })
  return ranges
}

function packageOf(name: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name)
  return match?.[1] ? match[1] : name.startsWith('./src') ? 'this action (src/)' : name
}

const server = await startMintServer()
const apiUrl = server.url
const dir = mkdtempSync(join(tmpdir(), 'profile-'))
writeFileSync(join(dir, 'output'), '')
const floor = process.argv.includes('--floor')
const script = floor ? [join(REPO_ROOT, 'tools', 'bench', 'floor.mjs'), apiUrl] : [bundle]
const child = await new Promise<{ status: number | null }>((resolve) => {
  // Not spawnSync: it would block this process, and with it the server the child calls.
  import('node:child_process').then(({ spawn }) => {
    const proc = spawn(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir, ...script],
      {
        env: {
          PATH: process.env.PATH ?? '',
          GITHUB_OUTPUT: join(dir, 'output'),
          GITHUB_REPOSITORY: 'octo-org/hello-world',
          GITHUB_API_URL: apiUrl,
          ...inputEnvironment(metadata, { token: 'ghp_profileToken' }, { api_url: apiUrl })
        },
        stdio: 'ignore'
      }
    )
    proc.on('exit', (status) => resolve({ status }))
  })
})
server.close()
if (child.status !== 0)
  throw new Error(`${floor ? 'the floor' : 'the action'} exited with ${child.status}`)

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
if (!file) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
const ranges = moduleRanges()
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const totals = new Map<string, number>()
let totalUs = 0
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)?.callFrame
  const us = profile.timeDeltas[i] ?? 0
  totalUs += us
  let where: string
  if (!frame || frame.url === '')
    where = frame?.functionName ? `(${frame.functionName})` : '(native)'
  else if (frame.url.endsWith(metadata.runs.main)) {
    const range = ranges.filter((r) => r.start <= frame.lineNumber).at(-1)
    where = range ? packageOf(range.name) : 'bundle runtime'
  } else if (frame.url.startsWith('node:'))
    where = frame.url.replace(/^(node:internal\/[^/]+(?:\/[^/]+)?).*$/, '$1')
  else where = frame.url
  totals.set(where, (totals.get(where) ?? 0) + us)
})

console.log(`Profile: ${join(dir, file)} (open in Chrome DevTools > Performance)`)
console.log(
  `Sampled ${(totalUs / 1000).toFixed(1)} ms of one cold start; self time by where it was spent:\n`
)
console.log('| where | self ms | share |\n| --- | ---: | ---: |')
for (const [where, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`| ${where} | ${(us / 1000).toFixed(1)} | ${((100 * us) / totalUs).toFixed(0)}% |`)
}
