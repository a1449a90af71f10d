/**
 * Runs a bundled JavaScript action the way the GitHub Actions runner (actions/runner 2.336) does:
 * INPUT_* variables with action.yml's defaults applied (`${{ github.* }}` evaluated; names
 * case-insensitive; an undeclared input warned about and still passed), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files (a malformed GITHUB_OUTPUT fails the step), `node <main>` as a child
 * process, and the log rendered from stdout and stderr as the runner shows it (runner-log.ts).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { parse } from 'yaml'
import { renderLog, type OutputChunk, type RenderedLog, type Stream } from './runner-log.ts'

export { renderLog } from './runner-log.ts'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')

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
  /** The child is killed after this long (30 s by default); the run then reports `timedOut`. */
  timeoutMs?: number
}

/** `log` starts with the runner's own warnings (undeclared inputs); see RenderedLog. */
export interface ActionRun extends RenderedLog {
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  /** Raw stdout and stderr, workflow commands included (the runner never shows `::add-mask::`). */
  stdout: string
  stderr: string
  /** Both streams' chunks, in the order they arrived. */
  output: OutputChunk[]
  /** As the runner sets them: `::set-output` commands, then GITHUB_OUTPUT's. */
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

/** `${{ }}` expressions in `text`, evaluated by @actions/expressions (GitHub's implementation). */
export function evaluateTemplate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluateExpression(expression, contexts).coerceString()
  )
}

/** One expression, with the contexts and functions (e.g. `success()`) given. */
export function evaluateExpression(
  expression: string,
  contexts: Record<string, unknown>,
  functions = new Map<string, FunctionDefinition>()
) {
  const { tokens } = new Lexer(expression).lex()
  const tree = new Parser(tokens, Object.keys(contexts), [...functions.values()]).parse()
  const values = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary
  return new Evaluator(tree, values, functions).evaluate()
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
  const given = new Set(Object.keys(inputs).map((name) => name.toLowerCase()))
  const defaults = Object.entries(metadata.inputs ?? {})
    .filter(([name]) => !given.has(name.toLowerCase()))
    .map(([name, spec]): [string, string] => [
      name,
      evaluateTemplate(String(spec.default ?? ''), { github })
    ])
  return Object.fromEntries(
    [...defaults, ...Object.entries(inputs)].map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value
    ])
  )
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
    const started = performance.now()
    const child = spawn(process.execPath, [join(actionDir, metadata.runs.main)], {
      env,
      cwd: temp,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
      killSignal: 'SIGKILL'
    })
    const output: OutputChunk[] = []
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8').on('data', (text: string) => output.push({ stream, text }))
    }
    const [exitCode] = (await once(child, 'close')) as [number | null]
    const text = (stream: Stream) =>
      output.flatMap((chunk) => (chunk.stream === stream ? [chunk.text] : [])).join('')
    const rendered = renderLog(output, env.RUNNER_DEBUG === '1')
    const warning = unexpectedInputsWarning(metadata, options.inputs ?? {})
    const setOutputs = rendered.commands.filter((c) => c.name === 'set-output' && c.properties.name)
    return {
      exitCode,
      timedOut: child.killed,
      durationMs: performance.now() - started,
      stdout: text('stdout'),
      stderr: text('stderr'),
      output,
      ...rendered,
      log: warning === undefined ? rendered.log : `Warning: ${warning}\n${rendered.log}`,
      outputs: {
        ...Object.fromEntries(setOutputs.map((c) => [c.properties.name, c.data])),
        ...parseOutputFile(await readFile(outputFile, 'utf8'))
      },
      summary: await readFile(summaryFile, 'utf8')
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
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
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (line === '') continue
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      if (equals === 0) fail(`Invalid format '${line}'. Name must not be empty`)
      outputs[line.slice(0, equals)] = line.slice(equals + 1)
    } else if (heredoc < 0) fail(`Invalid format '${line}'`)
    else {
      const [name, delimiter] = [line.slice(0, heredoc), line.slice(heredoc + 2)]
      if (name === '' || delimiter === '') {
        fail(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`)
      }
      const end = lines.indexOf(delimiter, i + 1)
      if (end < 0) fail(`Invalid value. Matching delimiter not found '${delimiter}'`)
      outputs[name] = lines.slice(i + 1, end).join('\n')
      i = end
    }
  }
  return outputs
}
