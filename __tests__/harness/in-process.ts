/**
 * Runs an action's `run()` in this process as a runner would set it up: INPUT_* variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and stdout captured for workflow commands.
 * Everything is restored after each test.
 */
import { jest } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface InProcess {
  /** What the action wrote to stdout in this test. */
  stdout(): string
  outputs(): Promise<string>
  summary(): Promise<string>
  /** The job summary file (the same in every test: @actions/core remembers its path). */
  summaryPath(): string
}

/** Registers the hooks; `inputs()` gives each test's INPUT_* and GITHUB_* variables. */
export function inProcessAction(env: () => Record<string, string>): InProcess {
  let temp = ''
  let stdout = ''
  const envBefore = { ...process.env }
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'in-process-'))
  })
  beforeEach(async () => {
    await writeFile(join(temp, 'output'), '')
    await rm(join(temp, 'summary'), { recursive: true, force: true })
    await writeFile(join(temp, 'summary'), '')
    Object.assign(process.env, env(), {
      GITHUB_OUTPUT: join(temp, 'output'),
      GITHUB_STEP_SUMMARY: join(temp, 'summary')
    })
    stdout = ''
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk)
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.env = { ...envBefore }
    process.exitCode = undefined
  })
  afterAll(() => rm(temp, { recursive: true, force: true }))
  return {
    stdout: () => stdout,
    outputs: () => readFile(join(temp, 'output'), 'utf8'),
    summary: () => readFile(join(temp, 'summary'), 'utf8'),
    summaryPath: () => join(temp, 'summary')
  }
}
