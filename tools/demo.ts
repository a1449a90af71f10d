/**
 * `npm run demo [-- --scope repository|org|enterprise]`: runs the bundled action as a runner would,
 * against the local GitHub API simulator (no network, no real token), and shows what a person
 * sees: the log with secrets masked, the step outputs (the token masked), and the job summary.
 */
import { parseArgs } from 'node:util'
import { startSimulator } from '../__tests__/harness/github-simulator.ts'
import { runAction } from '../__tests__/harness/run-action.ts'

const SCOPES: Record<string, Record<string, string>> = {
  repository: { owner: 'octo-org', repo: 'hello-world' },
  org: { org: 'octo-org' },
  enterprise: { enterprise: 'octo-corp' }
}

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

const simulator = await startSimulator()
try {
  console.log(
    `Simulated GitHub API on ${simulator.url} (loopback only; nothing leaves this machine)`
  )
  console.log(`Running dist/index.js as a runner would, with ${JSON.stringify(scopeInputs)}\n`)
  const run = await runAction({
    inputs: { token: 'ghp_demoTokenNotARealOne0000000000000000', ...scopeInputs },
    github: { api_url: simulator.url, repository: 'octo-org/hello-world' }
  })
  const mask = (text: string) => run.masked.reduce((t, secret) => t.split(secret).join('***'), text)
  section('Log (as the runner shows it)', run.log.trimEnd())
  if (run.stderr.trim()) section('stderr', mask(run.stderr.trimEnd()))
  section(
    'Step outputs',
    Object.entries(run.outputs)
      .map(([name, value]) => `${name}: ${mask(value)}`)
      .join('\n') || '(none)'
  )
  section('Job summary (GITHUB_STEP_SUMMARY)', run.summary.trimEnd() || '(empty)')
  section(
    'Requests the simulator received',
    simulator.requests.map((r) => `${r.method} ${r.path}`).join('\n')
  )
  console.log(`\nExit code: ${run.exitCode}`)
  if (simulator.violations.length > 0) {
    console.error(
      `The simulator refused: ${simulator.violations.map((v) => `${v.request}: ${v.reason}`).join('; ')}`
    )
  }
  process.exitCode = run.exitCode === 0 && simulator.violations.length === 0 ? 0 : 1
} finally {
  await simulator.close()
}

function section(title: string, body: string): void {
  console.log(`── ${title} ──\n${body}\n`)
}
