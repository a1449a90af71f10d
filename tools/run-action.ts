/**
 * Runs a bundled JavaScript action the way the GitHub Actions runner does: INPUT_* variables with
 * action.yml's defaults applied (`${{ github.* }}` evaluated), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, `node <main>` as a child process, and the log rendered as the runner
 * shows it (workflow commands consumed, masked values replaced by ***).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

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
  stderr: string
  /** The log as the runner shows it: commands rendered, masked values replaced by ***. */
  log: string
  /** Values registered with `::add-mask::`, in order. */
  masked: string[]
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

/** INPUT_<NAME> for every declared input: the given value, else the evaluated default, else ''. */
export function inputEnvironment(
  metadata: ActionMetadata,
  inputs: Record<string, string>,
  github: GitHubContext
): Record<string, string> {
  const declared = metadata.inputs ?? {}
  for (const name of Object.keys(inputs)) {
    if (!(name in declared)) throw new Error(`action.yml declares no input '${name}'`)
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(declared)) {
    const value = inputs[name] ?? evaluate(String(spec.default ?? ''), github)
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
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
    const { log, masked } = renderLog(child.stdout, env.RUNNER_DEBUG === '1')
    return {
      ...child,
      log,
      masked,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
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
): Promise<Pick<ActionRun, 'exitCode' | 'timedOut' | 'durationMs' | 'stdout' | 'stderr'>> {
  const started = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      env,
      cwd: env.RUNNER_TEMP,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
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
      done({ exitCode, timedOut, durationMs: performance.now() - started, stdout, stderr })
    })
  })
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks, as `@actions/core` writes them. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!header) {
      const single = /^([^=]+)=(.*)$/.exec(lines[i] ?? '')
      if (single?.[1]) outputs[single[1]] = single[2] ?? ''
      continue
    }
    const [, name, delimiter] = header
    const end = lines.indexOf(delimiter ?? '', i + 1)
    if (end < 0 || !name) throw new Error(`output '${name}' has no closing delimiter`)
    outputs[name] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

const COMMAND = /^::([\w-]+)(?: [^:]*)?::(.*)$/

/**
 * The log a person sees on github.com: commands consumed or rendered, and each line masked with
 * the values registered (`::add-mask::`) before it, as the runner masks; a value printed before
 * its mask stays visible here too.
 */
export function renderLog(stdout: string, debug: boolean): { log: string; masked: string[] } {
  const masked: string[] = []
  const shown: string[] = []
  const show = (line: string) =>
    shown.push(
      masked.reduce((text, secret) => (secret ? text.split(secret).join('***') : text), line)
    )
  for (const line of stdout.split('\n')) {
    const command = COMMAND.exec(line)
    if (!command) {
      show(line)
      continue
    }
    const [, name, data = ''] = command
    const text = unescapeData(data)
    if (name === 'add-mask') masked.push(text)
    else if (name === 'debug') {
      if (debug) show(`##[debug]${text}`)
    } else if (name === 'error' || name === 'warning' || name === 'notice') {
      show(`${name[0]?.toUpperCase()}${name.slice(1)}: ${text}`)
    } else show(line)
  }
  return { log: shown.join('\n'), masked }
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}
