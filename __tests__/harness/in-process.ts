/**
 * Runs an action's `run()` in this process as a runner would set it up: INPUT_* variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and stdout captured for workflow commands.
 * Jest restores the environment and stdout after each test.
 */
import { jest } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Registers the hooks; `env()` gives each test's INPUT_* and GITHUB_* variables. */
export function inProcessAction(env: () => Record<string, string>) {
  let temp = ''
  let stdout = ''
  const file = (name: string) => join(temp, name)
  beforeAll(async () => void (temp = await mkdtemp(join(tmpdir(), 'in-process-'))))
  beforeEach(async () => {
    await rm(file('summary'), { recursive: true, force: true })
    for (const name of ['output', 'summary']) await writeFile(file(name), '')
    const files = { GITHUB_OUTPUT: file('output'), GITHUB_STEP_SUMMARY: file('summary') }
    jest.replaceProperty(process, 'env', { ...process.env, ...env(), ...files })
    stdout = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk)
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.exitCode = undefined
  })
  afterAll(() => rm(temp, { recursive: true, force: true }))
  return {
    /** What the action wrote to stdout in this test. */
    stdout: () => stdout,
    outputs: () => readFile(file('output'), 'utf8'),
    summary: () => readFile(file('summary'), 'utf8'),
    /** The job summary file (the same in every test: @actions/core remembers its path). */
    summaryPath: () => file('summary')
  }
}
