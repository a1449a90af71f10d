/**
 * Runs a bundled JavaScript action the way the GitHub Actions runner (actions/runner 2.336) does:
 * INPUT_* variables with action.yml's defaults applied (`${{ github.* }}` evaluated; names
 * case-insensitive; an undeclared input warned about and still passed), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files (a malformed GITHUB_OUTPUT fails the step), `node <main>` as a child
 * process, and the log rendered from stdout and stderr as the runner shows it (runner-log.ts).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { renderLog, type OutputChunk, type Stream, type WorkflowCommand } from './runner-log.ts'

export { renderLog } from './runner-log.ts'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The `github` context values an action's input defaults may refer to. */
export interface GitHubContext {
  api_url: string
  repository?: string
  [key: string]: string | undefined
}

export interface RunOptions {
  /** Folder holding action.yml; the repository root by default. */
  actionDir?: string
  /** Inputs as a workflow's `with:` gives them; unset ones take action.yml's defaults. */
  inputs?: Record<string, string>
  github: GitHubContext
  /** Extra environment (e.g. RUNNER_DEBUG, HTTPS_PROXY). */
  env?: Record<string, string>
  /** The child is killed after this long; the run then reports `timedOut`. */
  timeoutMs?: number
}

export interface ActionRun {
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  /** Raw stdout, workflow commands included (a real runner never shows `::add-mask::` lines). */
  stdout: string
  /** Raw stderr (the runner processes its lines as it does stdout's). */
  stderr: string
  /** Both streams' chunks, in the order they arrived. */
  output: OutputChunk[]
  /**
   * The log as the runner shows it: the runner's own warnings (undeclared inputs), then stdout's
   * and stderr's lines, commands rendered, masked values replaced by ***.
   */
  log: string
  /** Values registered with `::add-mask::`, in order. */
  masked: string[]
  /** Every workflow command the runner processed, from either stream. */
  commands: WorkflowCommand[]
  /** Outputs as the runner sets them: `::set-output` commands, then GITHUB_OUTPUT's. */
  outputs: Record<string, string>
  summary: string
}

interface ActionMetadata {
  inputs?: Record<string, { default?: string; required?: boolean }>
  runs: { using: string; main: string }
}

export async function readActionMetadata(actionDir = REPO_ROOT): Promise<ActionMetadata> {
  return parse(await readFile(join(actionDir, 'action.yml'), 'utf8')) as ActionMetadata
}

/**
 * INPUT_<NAME> (name upper-cased, spaces to `_`) for every input given, declared or not, and for
 * every declared input not given (names compared case-insensitively): its evaluated default, or ''.
 */
export function inputEnvironment(
  metadata: ActionMetadata,
  inputs: Record<string, string>,
  github: GitHubContext
): Record<string, string> {
  const env: Record<string, string> = {}
  const given = new Set(Object.keys(inputs).map((name) => name.toLowerCase()))
  for (const [name, spec] of Object.entries(metadata.inputs ?? {})) {
    if (!given.has(name.toLowerCase())) {
      env[inputVariable(name)] = evaluate(String(spec.default ?? ''), github)
    }
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value
  return env
}

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** The runner's warning for inputs action.yml does not declare (ActionRunner.cs); it still passes them. */
export function unexpectedInputsWarning(
  metadata: ActionMetadata,
  inputs: Record<string, string>
): string | undefined {
  const valid = Object.keys(metadata.inputs ?? {})
  const declared = new Set(valid.map((name) => name.toLowerCase()))
  const unexpected = Object.keys(inputs).filter((name) => !declared.has(name.toLowerCase()))
  if (unexpected.length === 0) return undefined
  return `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`
}

function evaluate(expression: string, github: GitHubContext): string {
  return expression.replace(/\$\{\{\s*github\.(\w+)\s*\}\}/g, (_, key: string) => {
    const value = github[key]
    if (value === undefined) throw new Error(`no github.${key} given to evaluate ${expression}`)
    return value
  })
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const actionDir = options.actionDir ?? REPO_ROOT
  const metadata = await readActionMetadata(actionDir)
  if (metadata.runs.using !== 'node24') throw new Error(`runs.using is ${metadata.runs.using}`)
  const temp = await mkdtemp(join(tmpdir(), 'run-action-'))
  try {
    const outputFile = join(temp, 'output')
    const summaryFile = join(temp, 'summary')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: temp,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: options.github.api_url,
      GITHUB_REPOSITORY: options.github.repository ?? '',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: temp,
      ...inputEnvironment(metadata, options.inputs ?? {}, options.github),
      ...options.env
    }
    const child = await runProcess(
      process.execPath,
      [join(actionDir, metadata.runs.main)],
      env,
      options.timeoutMs ?? 30_000
    )
    const rendered = renderLog(child.output, env.RUNNER_DEBUG === '1')
    const warning = unexpectedInputsWarning(metadata, options.inputs ?? {})
    const setOutputs = rendered.commands.filter(
      (command) => command.name === 'set-output' && command.properties.name
    )
    return {
      ...child,
      ...rendered,
      log: warning === undefined ? rendered.log : `Warning: ${warning}\n${rendered.log}`,
      outputs: {
        ...Object.fromEntries(setOutputs.map((command) => [command.properties.name, command.data])),
        ...parseOutputFile(await readFile(outputFile, 'utf8'))
      },
      summary: await readFile(summaryFile, 'utf8')
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** Runs a command to its end (or kills it after `timeoutMs`), with stdout and stderr collected. */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number
): Promise<
  Pick<ActionRun, 'exitCode' | 'timedOut' | 'durationMs' | 'stdout' | 'stderr' | 'output'>
> {
  const started = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      env,
      cwd: env.RUNNER_TEMP,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const output: OutputChunk[] = []
    const collect = (stream: Stream) => {
      const decoder = new StringDecoder('utf8')
      child[stream].on('data', (chunk: Buffer) =>
        output.push({ stream, text: decoder.write(chunk) })
      )
      child[stream].on('end', () => output.push({ stream, text: decoder.end() }))
    }
    collect('stdout')
    collect('stderr')
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      fail(error)
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      const text = (stream: Stream) =>
        output
          .filter((chunk) => chunk.stream === stream)
          .map((chunk) => chunk.text)
          .join('')
      done({
        exitCode,
        timedOut,
        durationMs: performance.now() - started,
        stdout: text('stdout'),
        stderr: text('stderr'),
        output
      })
    })
  })
}

/**
 * The outputs in a GITHUB_OUTPUT file, parsed as the runner parses it on Linux
 * (FileCommandManager.cs, EnvFileKeyValuePairs): lines end at `\n`; a line is `name=value`, or
 * `name<<DELIMITER` followed by the value's lines and a line that is exactly DELIMITER; empty
 * lines are skipped. Anything else fails the step there, and throws here.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  const fail = (problem: string): never => {
    throw new Error(
      `GITHUB_OUTPUT is malformed, so the runner fails the step ("Unable to process file ` +
        `command 'output' successfully."): ${problem}`
    )
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals)
      if (name === '') fail(`Invalid format '${line}'. Name must not be empty`)
      outputs[name] = line.slice(equals + 1)
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (name === '' || delimiter === '') {
        fail(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`)
      }
      const end = lines.indexOf(delimiter, i + 1)
      if (end < 0) fail(`Invalid value. Matching delimiter not found '${delimiter}'`)
      outputs[name] = lines.slice(i + 1, end).join('\n')
      i = end
    } else fail(`Invalid format '${line}'`)
  }
  return outputs
}
