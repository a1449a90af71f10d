/**
 * The GitHub workflow and .ci/run cannot drift: the workflow's test job is `bash .ci/run`, and each
 * step of its `uses: ./` job that needs no GitHub (only the bundle) is run here as written.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from '../harness/run-action.ts'

interface Step {
  name?: string
  run?: string
  uses?: string
  env?: Record<string, string>
}
const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/ci.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>
}
const runs = (job: string) => workflow.jobs[job]?.steps.flatMap((step) => step.run ?? []) ?? []

it("runs .ci/run as its test job, and nothing else that .ci/run doesn't", () => {
  expect(runs('test')).toEqual(['bash .ci/run'])
})

// A step that reads no step output and no expression runs the same here as on GitHub.
const local = (workflow.jobs.action?.steps ?? []).filter(
  (step) => step.run !== undefined && step.env === undefined && !step.run.includes('${{')
)

it('has steps of the uses: ./ job that run here', () => {
  expect(local.map((step) => step.name)).toContain('The failure names the input and the fix')
})

it.each(local.map((step) => [step.name, step.run as string]))('%s', (_, script) => {
  const result = spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    // What every runner sets for a step; the rest of the step's environment is its own.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_REPOSITORY: 'octo-org/hello' }
  })
  expect(result.status).toBe(0)
})
