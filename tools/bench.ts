/**
 * `npm run bench [-- --runs N]`: the action's cold start, measured against a floor, in one run.
 *
 * Against a loopback server answering 201, it alternates (A S B C, A S B C, ...):
 *   A. the bundled action, run as a runner runs it (INPUT_* from action.yml, GITHUB_OUTPUT, ...);
 *   S. the same with `seal-key` set: what sealing adds (jose's chunk, the encryption);
 *   B. the floor: a bare node:http script making the same POST;
 *   C. `node -e ''`, the cost of starting Node at all.
 * Each run's wall time is measured around the child process, and its peak RSS is reported by a
 * tiny preload (--require rss-probe.cjs) in every variant alike. Ratios are taken pair by pair
 * (A/B of the same round), so drift on a shared machine cancels out.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startMintServer } from './bench/mint-server.ts'
import { inputEnvironment, readActionMetadata, REPO_ROOT } from './run-action.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' }
  }
})
const RUNS = Number(values.runs)
const WARMUP = Number(values.warmup)

interface Sample {
  wallMs: number
  rssKiB: number
}

const server = await startMintServer()
const apiUrl = server.url
const temp = mkdtempSync(join(tmpdir(), 'bench-'))
const probe = join(REPO_ROOT, 'tools', 'bench', 'rss-probe.cjs')
const probeFile = join(temp, 'rss')

const metadata = await readActionMetadata()
const actionEnv = {
  PATH: process.env.PATH ?? '',
  HOME: temp,
  GITHUB_ACTIONS: 'true',
  GITHUB_API_URL: apiUrl,
  GITHUB_REPOSITORY: 'octo-org/hello-world',
  GITHUB_OUTPUT: join(temp, 'output'),
  GITHUB_STEP_SUMMARY: join(temp, 'summary'),
  RUNNER_TEMP: temp,
  RSS_PROBE_FILE: probeFile,
  ...inputEnvironment(
    metadata,
    { token: 'ghp_benchToken000000000000000000000000000' },
    {
      api_url: apiUrl,
      repository: 'octo-org/hello-world'
    }
  )
}

// A fixed key: nothing here is secret, and the same bytes every run.
const sealEnv = {
  ...actionEnv,
  'INPUT_SEAL-KEY': Buffer.alloc(32, 7).toString('base64'),
  GITHUB_REPOSITORY_ID: '1',
  GITHUB_RUN_ID: '1'
}

const VARIANTS = {
  action: [join(REPO_ROOT, metadata.runs.main)],
  'action, seal-key': [join(REPO_ROOT, metadata.runs.main)],
  floor: [join(REPO_ROOT, 'tools', 'bench', 'floor.mjs'), apiUrl],
  'node -e': ['-e', '']
} satisfies Record<string, string[]>
type Variant = keyof typeof VARIANTS

async function measure(variant: Variant): Promise<Sample> {
  writeFileSync(actionEnv.GITHUB_OUTPUT, '')
  writeFileSync(actionEnv.GITHUB_STEP_SUMMARY, '')
  const started = performance.now()
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, ...VARIANTS[variant]], {
      env: variant === 'action, seal-key' ? sealEnv : actionEnv,
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  const wallMs = performance.now() - started
  if (code !== 0) throw new Error(`${variant} exited with ${code}`)
  const outputs = variant.startsWith('action') ? readFileSync(actionEnv.GITHUB_OUTPUT, 'utf8') : ''
  if (variant.startsWith('action') && !outputs.includes('expires_at')) {
    throw new Error('the action set no output: it did not mint a token')
  }
  if (variant === 'action, seal-key' && !outputs.includes('sealed-token')) {
    throw new Error('the action with seal-key set no sealed-token')
  }
  return { wallMs, rssKiB: Number(readFileSync(probeFile, 'utf8')) }
}

const samples: Record<Variant, Sample[]> = {
  action: [],
  'action, seal-key': [],
  floor: [],
  'node -e': []
}
const variants = Object.keys(VARIANTS) as Variant[]
try {
  for (let round = 0; round < WARMUP; round++)
    for (const variant of variants) await measure(variant)
  for (let round = 0; round < RUNS; round++) {
    for (const variant of variants) samples[variant].push(await measure(variant))
  }
} finally {
  server.close()
  rmSync(temp, { recursive: true, force: true })
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
const row = (cells: string[]) => `| ${cells.join(' | ')} |`

const bundleBytes = statSync(join(REPO_ROOT, metadata.runs.main)).size
console.log(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
)
console.log(
  `Runs: ${RUNS} per variant after ${WARMUP} warm-up rounds, alternating ${variants.join(', ')}`
)
console.log(`Bundle: ${metadata.runs.main} is ${(bundleBytes / 1024).toFixed(0)} KiB\n`)
console.log(
  row([
    'variant',
    'wall median (ms)',
    'wall min',
    'wall max',
    'peak RSS median (MiB)',
    'RSS min',
    'RSS max'
  ])
)
console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']))
for (const variant of variants) {
  const wall = samples[variant].map((s) => s.wallMs)
  const rss = samples[variant].map((s) => s.rssKiB)
  console.log(
    row([
      variant,
      ms(median(wall)),
      ms(Math.min(...wall)),
      ms(Math.max(...wall)),
      mib(median(rss)),
      mib(Math.min(...rss)),
      mib(Math.max(...rss))
    ])
  )
}
const ratios = samples.action.map((a, i) => a.wallMs / (samples.floor[i] as Sample).wallMs)
const rssAbove = samples.action.map((a, i) => a.rssKiB - (samples.floor[i] as Sample).rssKiB)
console.log(
  `\naction/floor wall ratio, pair by pair: median ${median(ratios).toFixed(2)} ` +
    `(min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`
)
console.log(
  `action peak RSS above the floor, pair by pair: median ${mib(median(rssAbove))} MiB ` +
    `(min ${mib(Math.min(...rssAbove))}, max ${mib(Math.max(...rssAbove))})`
)
const sealing = samples['action, seal-key'].map(
  (s, i) => s.wallMs - (samples.action[i] as Sample).wallMs
)
console.log(
  `seal-key adds to the action's wall time, pair by pair: median ${ms(median(sealing))} ms ` +
    `(min ${ms(Math.min(...sealing))}, max ${ms(Math.max(...sealing))})`
)
