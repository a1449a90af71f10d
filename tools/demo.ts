/**
 * `npm run demo [-- --scope repository|org|enterprise]`: runs the bundled actions as a runner
 * would, against the local GitHub API simulator (no network, no real token), and shows what a
 * person sees: the mint (the log with secrets masked, the outputs with the token masked, the job
 * summary as text), then a `delete-runner` dry run over a small fleet (what it would delete, and
 * why it leaves the others alone).
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator, type Simulator } from '../__tests__/harness/github-simulator.ts'
import { REPO_ROOT, runAction, type ActionRun } from '../__tests__/harness/run-action.ts'
import { runner, RunnerRegistry } from '../__tests__/harness/runner-registry.ts'

const SCOPES: Record<string, Record<string, string>> = {
  repository: { owner: 'octo-org', repo: 'hello-world' },
  org: { org: 'octo-org' },
  enterprise: { enterprise: 'octo-corp' }
}
const TOKEN = 'ghp_demoTokenNotARealOne0000000000000000'
const GITHUB = { repository: 'octo-org/hello-world' }

const usage = `Usage: npm run demo [-- --scope ${Object.keys(SCOPES).join('|')}]`
let scope: string
try {
  const { values } = parseArgs({
    options: { scope: { type: 'string', default: 'repository' }, help: { type: 'boolean' } }
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  scope = values.scope
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`)
  process.exit(2)
}
const scopeInputs = SCOPES[scope]
if (!scopeInputs) {
  console.error(`--scope must be one of: ${Object.keys(SCOPES).join(', ')}\n${usage}`)
  process.exit(2)
}

const mint = await demo(
  `Minting a remove token with ${JSON.stringify(scopeInputs)}`,
  undefined,
  scopeInputs
)
const fleet = new RunnerRegistry([
  runner(1, 'spot-1'),
  runner(2, 'spot-2'),
  runner(3, 'spot-3', 'online'),
  runner(4, 'spot-4', 'offline', true),
  runner(5, 'spot-5', 'offline', false, ['self-hosted', 'placeholder']),
  runner(6, 'build-6')
])
const cleanup = await demo(
  'delete-runner, a dry run: offline runners named spot-*, never a placeholder',
  fleet,
  {
    org: 'octo-org',
    'name-prefix': 'spot-',
    'exclude-labels': 'placeholder',
    'dry-run': 'true'
  }
)
process.exitCode = mint && cleanup ? 0 : 1

/** Runs one action against a fresh simulator and shows what a person would see; true if it passed. */
async function demo(
  title: string,
  registry: RunnerRegistry | undefined,
  inputs: Record<string, string>
): Promise<boolean> {
  const simulator = await startSimulator(registry ? { respond: registry.respond } : {})
  try {
    console.log(`=== ${title} ===`)
    console.log(`Simulated GitHub API on ${simulator.url} (loopback only)\n`)
    const run = await runAction({
      ...(registry ? { actionDir: join(REPO_ROOT, 'delete-runner') } : {}),
      inputs: { token: TOKEN, ...inputs },
      github: { ...GITHUB, api_url: simulator.url }
    })
    show(run, simulator)
    return run.exitCode === 0 && simulator.violations.length === 0
  } finally {
    await simulator.close()
  }
}

function show(run: ActionRun, simulator: Simulator): void {
  const mask = (text: string) => run.masked.reduce((t, secret) => t.split(secret).join('***'), text)
  section('Log (as the runner shows it)', run.log.trimEnd())
  if (run.stderr.trim()) section('stderr', mask(run.stderr.trimEnd()))
  section(
    'Step outputs',
    Object.entries(run.outputs)
      .map(([name, value]) => `${name}: ${mask(value)}`)
      .join('\n') || '(none)'
  )
  section('Job summary', summaryAsText(run.summary) || '(empty)')
  section(
    'Requests the simulator received',
    simulator.requests.map((r) => `${r.method} ${r.path}`).join('\n')
  )
  console.log(`Exit code: ${run.exitCode}\n`)
  if (simulator.violations.length > 0) {
    console.error(
      `The simulator refused: ${simulator.violations.map((v) => `${v.request}: ${v.reason}`).join('; ')}`
    )
  }
}

/** The job summary's HTML as the text a person reads on the run's page. */
export function summaryAsText(html: string): string {
  return html
    .replace(/<h\d>(.*?)<\/h\d>/g, '$1\n')
    .replace(/<\/tr>/g, '\n')
    .replace(/<\/t[hd]><t[hd]>/g, ' | ')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(
      /&(lt|gt|quot|amp);/g,
      (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[name] ?? ''
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function section(title: string, body: string): void {
  console.log(`── ${title} ──\n${body}\n`)
}
