/**
 * `npm run bench [-- --runs N] [--warmup N] [--action remove-token|delete-runner [--main FILE]]`:
 * each action's cold start against its floor and its peer, in one run (tools/bench/scenarios.ts
 * says what each variant is; `--main` measures a prototype bundle in place of the committed one).
 * Against the simulator over HTTPS (GitHub's documented example answers, every request checked),
 * every round runs every variant once, in an order rotated round by round, after warm-up rounds.
 * Wall time is measured around each child process; peak RSS is written by a preload
 * (--require rss-probe.cjs) in every variant alike.
 * Ratios are taken pair by pair (the action and the floor or peer of the same round), so drift on
 * a shared machine cancels out.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { selfSignedCertificate } from '../__tests__/harness/certificate.ts'
import { redactCredential, startSimulator } from '../__tests__/harness/github-simulator.ts'
import {
  ACTIONS,
  bareNode,
  TOKEN,
  variantsOf,
  type ActionName,
  type Bundle,
  type Role,
  type Variant
} from './bench/scenarios.ts'
import { parseOutputFile, REPO_ROOT } from '../__tests__/harness/run-action.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    action: { type: 'string' },
    main: { type: 'string' }
  }
})
const RUNS = Number(values.runs)
const WARMUP = Number(values.warmup)
const chosen = values.action === undefined ? [...ACTIONS] : [values.action as ActionName]
if (!chosen.every((action) => ACTIONS.includes(action))) {
  throw new Error(`--action is one of ${ACTIONS.join(', ')}`)
}
// A prototype bundle of one action, measured in place of the committed dist/.
if (values.main !== undefined && chosen.length !== 1) throw new Error('--main needs --action')
const main = values.main === undefined ? undefined : resolve(values.main)
/**
 * What we hold each action to, at the median of the pair-by-pair figures: at most 1.6 times a bare
 * HTTPS call's time, at most 0.7 times the github-script step a user would write instead, and at
 * most 15 MiB of peak memory above the bare call.
 */
const TARGETS = { floorRatio: 1.6, peerRatio: 0.7, rssAboveFloorMiB: 15 }

interface Sample {
  wallMs: number
  rssKiB: number
}

// HTTPS on loopback, as GitHub's API is HTTPS: every variant pays for node:https and a TLS
// handshake, and trusts the self-signed certificate through NODE_EXTRA_CA_CERTS alike.
const certificate = selfSignedCertificate()
const server = await startSimulator({ tls: certificate })
const temp = mkdtempSync(join(tmpdir(), 'bench-'))
const probe = join(REPO_ROOT, 'tools', 'bench', 'rss-probe.cjs')

async function measure(variant: Variant): Promise<Sample> {
  writeFileSync(variant.env.GITHUB_OUTPUT, '')
  writeFileSync(variant.env.GITHUB_STEP_SUMMARY, '')
  server.requests.length = 0
  const started = performance.now()
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, ...variant.args], {
      cwd: temp,
      env: variant.env,
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  const wallMs = performance.now() - started
  if (code !== 0) throw new Error(`${variant.label} exited with ${code}`)
  if (server.violations.length > 0) throw new Error(JSON.stringify(server.violations))
  const seen = server.requests.splice(0)
  const sent = seen.map((request) => `${request.method} ${request.path}`)
  // The credential as redacted (length and digest), whatever the scheme word before it.
  const credential = (header: unknown) => String(header).replace(/^\S+ /, '')
  const token = credential(redactCredential(`token ${TOKEN}`))
  const wrong = seen.some((r) => credential(r.headers.authorization) !== token)
  if (sent.join('\n') !== variant.requests.join('\n') || wrong) {
    throw new Error(`${variant.label} sent ${JSON.stringify(sent)}, not ${variant.requests}`)
  }
  const outputs = parseOutputFile(readFileSync(variant.env.GITHUB_OUTPUT, 'utf8'))
  for (const [name, value] of Object.entries(variant.outputs)) {
    if (outputs[name] !== value) throw new Error(`${variant.label} set ${name}=${outputs[name]}`)
  }
  const rssKiB = Number(readFileSync(variant.env.RSS_PROBE_FILE, 'utf8'))
  return { wallMs, rssKiB }
}

const variants: Variant[] = []
const bundles: Bundle[] = []
const samples = new Map<Variant, Sample[]>()
try {
  for (const action of chosen) {
    const built = await variantsOf(action, server.url, certificate.certFile, temp, main)
    variants.push(...built.variants)
    bundles.push(...built.bundles)
  }
  variants.push(bareNode(temp, server.url, certificate.certFile))
  for (const variant of variants) samples.set(variant, [])
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length] as Variant
      const sample = await measure(variant)
      if (round >= WARMUP) samples.get(variant)?.push(sample)
    }
  }
} finally {
  await server.close()
  rmSync(temp, { recursive: true, force: true })
  certificate.remove()
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
const ms = (x: number) => x.toFixed(1)
const mib = (kib: number) => (kib / 1024).toFixed(1)
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
const row = (cells: string[]) => `| ${cells.join(' | ')} |`
const spread = (xs: number[], show: (x: number) => string) =>
  `median ${show(median(xs))} (min ${show(Math.min(...xs))}, max ${show(Math.max(...xs))})`
const verdict = (value: number, target: number) =>
  value <= target ? `target <= ${target}: met` : `target <= ${target}: NOT met`

console.log(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
)
console.log(
  `Runs: ${RUNS} rounds after ${WARMUP} warm-up rounds; each round runs every variant once, ` +
    'in an order rotated round by round'
)
console.log('Bundles (entry first; a chunk is loaded when the entry imports it):')
for (const { label, files } of bundles) {
  const total = files.reduce((sum, file) => sum + file.bytes, 0)
  const parts = files.map((file) => `${file.name} ${kib(file.bytes)}`).join(' + ')
  console.log(`- ${label}: ${kib(total)}${files.length > 1 ? ` (${parts})` : ''}`)
}
console.log(
  '\n' +
    row(['variant', 'wall median (ms)', 'wall min', 'wall max', 'peak RSS median (MiB)', 'RSS max'])
)
console.log(row(['---', '---:', '---:', '---:', '---:', '---:']))
for (const variant of variants) {
  const wall = (samples.get(variant) ?? []).map((s) => s.wallMs)
  const rss = (samples.get(variant) ?? []).map((s) => s.rssKiB)
  console.log(
    row([
      variant.label,
      ms(median(wall)),
      ms(Math.min(...wall)),
      ms(Math.max(...wall)),
      mib(median(rss)),
      mib(Math.max(...rss))
    ])
  )
}
for (const action of chosen) {
  const of = (role: Role) =>
    samples.get(variants.find((v) => v.action === action && v.role === role) as Variant) ?? []
  const [mine, peer, floor] = [of('action'), of('peer'), of('floor')]
  const pairs = (other: Sample[], f: (a: Sample, b: Sample) => number) =>
    mine.map((sample, i) => f(sample, other[i] as Sample))
  const toFloor = pairs(floor, (a, b) => a.wallMs / b.wallMs)
  const toPeer = pairs(peer, (a, b) => a.wallMs / b.wallMs)
  const rssAbove = pairs(floor, (a, b) => (a.rssKiB - b.rssKiB) / 1024)
  const peerRssAbove = peer.map((p, i) => (p.rssKiB - (floor[i] as Sample).rssKiB) / 1024)
  const two = (x: number) => x.toFixed(2)
  const one = (x: number) => x.toFixed(1)
  console.log(`\n${action}, pair by pair:`)
  console.log(
    `- action/floor wall ratio: ${spread(toFloor, two)}; ` +
      verdict(median(toFloor), TARGETS.floorRatio)
  )
  console.log(
    `- action/peer wall ratio: ${spread(toPeer, two)}; ` +
      verdict(median(toPeer), TARGETS.peerRatio)
  )
  console.log(
    `- action peak RSS above the floor (MiB): ${spread(rssAbove, one)}; ` +
      verdict(median(rssAbove), TARGETS.rssAboveFloorMiB)
  )
  console.log(`- peer peak RSS above the floor (MiB): ${spread(peerRssAbove, one)}`)
}
