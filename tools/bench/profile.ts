/**
 * `npm run bench:profile [-- --action delete-runner] [--peer | --floor | --main FILE]`: one cold
 * start of a bundled action (or of its peer or floor, as `npm run bench` runs them, or of a
 * prototype bundle of the action) under `--cpu-prof`,
 * against the simulator over HTTPS, summarised by where the time went: the bundle's modules
 * (ncc marks each one, in the entry and in its chunks), Node's own modules, V8, and idle time
 * (waiting for the answer). The raw profile is kept for Chrome DevTools.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { selfSignedCertificate } from '../../__tests__/harness/certificate.ts'
import { startSimulator } from '../../__tests__/harness/github-simulator.ts'
import { ACTIONS, variantsOf, type ActionName } from './scenarios.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values } = parseArgs({
  options: {
    action: { type: 'string', default: 'remove-token' },
    peer: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    main: { type: 'string' }
  }
})
const action = values.action as ActionName
if (!ACTIONS.includes(action)) throw new Error(`--action is one of ${ACTIONS.join(', ')}`)
const role = values.floor ? 'floor' : values.peer ? 'peer' : 'action'

/** Line ranges of a bundle file, named by ncc's `// CONCATENATED MODULE:` / `// EXTERNAL MODULE:` marks. */
function moduleRanges(file: string): { start: number; name: string }[] {
  const lines = readFileSync(file, 'utf8').split('\n')
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

// Over HTTPS, as `npm run bench` measures.
const certificate = selfSignedCertificate()
const server = await startSimulator({ tls: certificate })
const dir = mkdtempSync(join(tmpdir(), 'profile-'))
const { variants } = await variantsOf(
  action,
  server.url,
  certificate.certFile,
  dir,
  values.main === undefined ? undefined : resolve(values.main)
)
const variant = variants.find((v) => v.role === role)
if (!variant) throw new Error(`no ${role} for ${action}`)
const [script = ''] = variant.args
writeFileSync(join(dir, 'output'), '')
writeFileSync(join(dir, 'summary'), '')
const status = await new Promise<number | null>((resolve) => {
  // Not spawnSync: it would block this process, and with it the server the child calls.
  const child = spawn(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir, ...variant.args],
    { cwd: dir, env: variant.env, stdio: 'ignore' }
  )
  child.on('exit', resolve)
})
await server.close()
certificate.remove()
if (status !== 0) throw new Error(`${variant.label} exited with ${status}`)

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
if (!file) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
const bundleDir = `file://${dirname(script)}/`
const rangesOf = new Map<string, { start: number; name: string }[]>()
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
  else if (frame.url.startsWith(bundleDir) && frame.url.endsWith('.js')) {
    const path = frame.url.slice('file://'.length)
    if (!rangesOf.has(path)) rangesOf.set(path, moduleRanges(path))
    const range = rangesOf
      .get(path)
      ?.filter((r) => r.start <= frame.lineNumber)
      .at(-1)
    where = range ? packageOf(range.name) : 'bundle runtime'
  } else if (frame.url.startsWith('node:'))
    where = frame.url.replace(/^(node:internal\/[^/]+(?:\/[^/]+)?).*$/, '$1')
  else where = frame.url
  totals.set(where, (totals.get(where) ?? 0) + us)
})

console.log(
  `Profile of ${variant.label}: ${join(dir, file)} (open in Chrome DevTools > Performance)`
)
console.log(
  `Sampled ${(totalUs / 1000).toFixed(1)} ms of one cold start; self time by where it was spent:\n`
)
console.log('| where | self ms | share |\n| --- | ---: | ---: |')
for (const [where, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`| ${where} | ${(us / 1000).toFixed(1)} | ${((100 * us) / totalUs).toFixed(0)}% |`)
}
