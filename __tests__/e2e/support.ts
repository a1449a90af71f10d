import { createServer } from 'node:net'
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions
} from '../../tools/github-simulator.ts'
import type { ActionRun } from '../../tools/run-action.ts'

const running: Simulator[] = []

/**
 * A simulator that is stopped after the test, which fails if any request the action sent, or any
 * answer the test scripted, broke GitHub's description.
 */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator(options)
  running.push(simulator)
  return simulator
}

afterEach(async () => {
  const stopping = running.splice(0)
  await Promise.all(stopping.map((simulator) => simulator.close()))
  for (const simulator of stopping) expect(simulator.violations).toEqual([])
})

/** A loopback port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export const INPUT_TOKEN = 'ghp_e2eInputTokenNeverShown000000000000'

/** A unique remove token per call, so a leak can be traced to the test that caused it. */
let minted = 0
export function mintedToken(): string {
  minted += 1
  return `AE2EMINTEDTOKEN${String(minted).padStart(14, '0')}`
}

/**
 * Neither token may appear anywhere a person or a file could see it: the log (raw stdout less the
 * `::add-mask::` commands the runner consumes), stderr, the summary, and outputs other than `token`.
 */
export function expectNoLeak(run: ActionRun, secrets: string[]): void {
  const visibleStdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of secrets) {
    expect(visibleStdout).not.toContain(secret)
    expect(run.stderr).not.toContain(secret)
    expect(run.log).not.toContain(secret)
    expect(run.summary).not.toContain(secret)
    for (const [name, value] of Object.entries(run.outputs)) {
      if (name !== 'token') expect(value).not.toContain(secret)
    }
  }
}

/** `::add-mask::SECRET` comes before any other line that holds SECRET. */
export function expectMaskedFirst(run: ActionRun, secret: string): void {
  const lines = run.stdout.split('\n')
  const maskAt = lines.indexOf(`::add-mask::${secret}`)
  expect(maskAt).toBeGreaterThanOrEqual(0)
  expect(lines.findIndex((line) => line.includes(secret))).toBe(maskAt)
}
