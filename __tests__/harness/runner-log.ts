/**
 * The log the GitHub Actions runner shows for a step, from what the step wrote, as actions/runner
 * (2.336) makes it:
 * - stdout and stderr are read separately, line by line (.NET `ReadLine`: a line ends at `\r`,
 *   `\n` or `\r\n`; Runner.Sdk/ProcessInvoker.cs), and each line of either goes through the same
 *   command processing (Handlers/OutputManager.cs, one per stream). The order between the two
 *   streams is not guaranteed; here lines are taken in the order they arrived.
 * - A line is a workflow command when, after leading whitespace, it is `::name props::data`, or
 *   when it holds `##[name props]data` anywhere, and `name` (any case) is a registered command
 *   (Runner.Common/ActionCommand.cs, Runner.Worker/ActionCommandManager.cs).
 * - `::add-mask::VALUE` masks the whole value and each of its CR/LF-separated lines, trimmed;
 *   each is masked with its encodings (Runner.Common/HostContext.cs registers the encoders of
 *   Sdk/DTLogging/Logging/ValueEncoders.cs), in every line written after it (SecretMasker.cs).
 * - Commands are echoed only when step debug is on (ExecutionContext.cs: EchoOnActionCommand).
 */

export type Stream = 'stdout' | 'stderr'

/** What a step wrote, one chunk at a time, in the order the chunks arrived. */
export interface OutputChunk {
  stream: Stream
  text: string
}

/** A workflow command the runner processed (not merely a line that looks like one). */
export interface WorkflowCommand {
  stream: Stream
  /** Lower-cased, as the runner matches it. */
  name: string
  properties: Record<string, string>
  data: string
}

export interface RenderedLog {
  /** The log as a person sees it: commands consumed or rendered, masked values as `***`. */
  log: string
  /** Values registered with `::add-mask::`, in order. */
  masked: string[]
  /** Every command the runner would have processed, in order. */
  commands: WorkflowCommand[]
}

/** ActionCommandManager's command extensions, plus `stop-commands` (OrdinalIgnoreCase). */
const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
]
/** Commands whose line is never echoed, even with step debug on (`OmitEcho => true`). */
const OMIT_ECHO = new Set(['add-mask', 'debug', 'warning', 'error', 'notice'])
/** Commands the runner refuses unless ACTIONS_ALLOW_UNSECURE_COMMANDS is set. */
const DISABLED = new Set(['set-env', 'add-path'])

/** The lines of each stream, in arrival order, split as .NET's `StreamReader.ReadLine` splits. */
export function outputLines(chunks: OutputChunk[]): { stream: Stream; line: string }[] {
  const lines: { stream: Stream; line: string }[] = []
  const pending: Record<Stream, string> = { stdout: '', stderr: '' }
  const take = (stream: Stream, final: boolean) => {
    const text = pending[stream]
    const end = /\r\n|\r|\n/g
    let from = 0
    for (let found = end.exec(text); found; found = end.exec(text)) {
      // A `\r` that ends the text so far may be the first half of a `\r\n` still to come.
      if (!final && found[0] === '\r' && end.lastIndex === text.length) break
      lines.push({ stream, line: text.slice(from, found.index) })
      from = end.lastIndex
    }
    if (final && from < text.length) lines.push({ stream, line: text.slice(from) })
    pending[stream] = final ? '' : text.slice(from)
  }
  for (const chunk of chunks) {
    pending[chunk.stream] += chunk.text
    take(chunk.stream, false)
  }
  take('stderr', true)
  take('stdout', true)
  return lines
}

/**
 * The log as the runner shows it. `output` is stdout alone (a string) or both streams' chunks;
 * `debug` is step debug (RUNNER_DEBUG=1): debug lines shown, commands echoed.
 */
export function renderLog(output: string | OutputChunk[], debug: boolean): RenderedLog {
  const chunks = typeof output === 'string' ? [{ stream: 'stdout' as const, text: output }] : output
  const masker = new RunnerMasker()
  const registered = new Set(REGISTERED)
  const shown: string[] = []
  const masked: string[] = []
  const commands: WorkflowCommand[] = []
  const show = (text: string) => shown.push(masker.mask(text))
  let echo = debug
  let stopToken: string | undefined
  for (const { stream, line } of outputLines(chunks)) {
    const command = parseCommand(line, registered)
    if (!command) {
      show(line)
      continue
    }
    const { name, data } = command
    if (stopToken !== undefined) {
      // Stopped: every line is text; the token given to stop-commands resumes processing.
      show(line)
      if (name === stopToken) {
        registered.delete(stopToken)
        stopToken = undefined
      }
      continue
    }
    commands.push({ stream, ...command })
    if (name === 'stop-commands') {
      if (
        data === '' ||
        registered.has(data.toLowerCase()) ||
        data.toLowerCase() === 'pause-logging'
      ) {
        show(`Error: Unable to process command '${line}': invalid stop-commands token`)
        continue
      }
      stopToken = data.toLowerCase()
      registered.add(stopToken)
      if (data.length > 6) masker.add(data)
      show(line)
      continue
    }
    if (echo && !OMIT_ECHO.has(name)) show(line)
    if (DISABLED.has(name)) {
      show(`Error: Unable to process command '${line}' successfully.`)
      show(`Error: The \`${name}\` command is disabled.`)
    } else if (name === 'add-mask') {
      if (data.trim() === '') {
        show("Warning: Can't add secret mask for empty string in ##[add-mask] command.")
        continue
      }
      if (echo) show('::add-mask::***')
      for (const value of [data, ...data.split(/[\r\n]/).map((part) => part.trim())]) {
        if (value !== '' && masker.add(value)) masked.push(value)
      }
    } else if (name === 'debug') {
      if (debug) show(`##[debug]${data}`)
    } else if (name === 'warning' || name === 'error' || name === 'notice') {
      show(`${name[0]?.toUpperCase()}${name.slice(1)}: ${data}`)
    } else if (name === 'group') show(`##[group]${data}`)
    else if (name === 'endgroup') show('##[endgroup]')
    else if (name === 'echo') {
      const value = data.trim().toUpperCase()
      if (value === 'ON' || value === 'OFF') echo = value === 'ON'
      else show(`Error: Invalid echo command value '${data}'.`)
    }
  }
  return { log: shown.join('\n'), masked, commands }
}

/** ActionCommand.TryParseV2, then the legacy TryParse; undefined when the line is no command. */
export function parseCommand(
  line: string,
  registered: Set<string> = new Set(REGISTERED)
): Omit<WorkflowCommand, 'stream'> | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    const parsed =
      end >= 0 && split(trimmed.slice(2, end), trimmed.slice(end + 2), ',', registered, DATA)
    if (parsed) return parsed
  }
  const start = line.indexOf('##[')
  const end = start < 0 ? -1 : line.indexOf(']', start)
  if (end < 0) return undefined
  return split(line.slice(start + 3, end), line.slice(end + 1), ';', registered, LEGACY)
}

const DATA: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const LEGACY: [string, string][] = [['%3B', ';'], ...DATA.slice(0, 2), ['%5D', ']'], ['%25', '%']]
const PROPERTY: [string, string][] = [...DATA.slice(0, 2), ['%3A', ':'], ['%2C', ','], ['%25', '%']]

function split(
  info: string,
  rest: string,
  separator: string,
  registered: Set<string>,
  mappings: [string, string][]
): Omit<WorkflowCommand, 'stream'> | undefined {
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(separator)) {
      const at = pair.indexOf('=')
      const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
      if (key !== '' && value !== '') {
        properties[key] = unescape(value, mappings === DATA ? PROPERTY : LEGACY)
      }
    }
  }
  return { name, properties, data: unescape(rest, mappings) }
}

function unescape(text: string, mappings: [string, string][]): string {
  return mappings.reduce((value, [escaped, plain]) => value.split(escaped).join(plain), text)
}

/** SecretMasker: every registered value and its encodings, replaced by `***` where found. */
export class RunnerMasker {
  private readonly originals = new Set<string>()
  private readonly values = new Set<string>()

  /** Registers a value; false when it was already registered (or is empty). */
  add(value: string): boolean {
    if (value === '' || this.originals.has(value)) return false
    this.originals.add(value)
    for (const form of runnerEncodings(value)) if (form !== '') this.values.add(form)
    return true
  }

  /** Every occurrence of every value, overlapping ones merged, replaced by one `***` each. */
  mask(text: string): string {
    const ranges: [number, number][] = []
    for (const value of this.values) {
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        ranges.push([at, at + value.length])
      }
    }
    if (ranges.length === 0) return text
    ranges.sort((a, b) => a[0] - b[0])
    let result = ''
    let from = 0
    let current = ranges[0] as [number, number]
    for (const range of [...ranges.slice(1), undefined]) {
      if (range && range[0] <= current[1]) {
        current = [current[0], Math.max(current[1], range[1])]
        continue
      }
      result += `${text.slice(from, current[0])}***`
      from = current[1]
      if (range) current = range
    }
    return result + text.slice(from)
  }
}

/** The value and what each encoder HostContext registers makes of it (ValueEncoders.cs). */
export function runnerEncodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const shifted = (shift: number) =>
    (bytes.length > shift ? bytes.subarray(shift) : bytes).toString('base64')
  return [
    value,
    shifted(0),
    shifted(1),
    shifted(2),
    value.replaceAll('"', '\\"'),
    value.replaceAll("'", "''"),
    jsonStringEscape(value),
    uriDataEscape(value),
    xmlDataEscape(value),
    value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : '',
    ...powerShellSections(value)
  ]
}

/** Newtonsoft's JsonConvert.ToString, without its quotes: also escapes U+0085, U+2028, U+2029. */
function jsonStringEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** .NET's Uri.EscapeDataString: everything but RFC 3986's unreserved characters. */
function uriDataEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** SecurityElement.Escape. */
function xmlDataEscape(value: string): string {
  const entities: Record<string, string> = {
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&apos;',
    '&': '&amp;'
  }
  return value.replace(/[<>"'&]/g, (c) => entities[c] ?? c)
}

/** PowerShellPreAmpersandEscape and PowerShellPostAmpersandEscape: the sections around `&`. */
function powerShellSections(value: string): string[] {
  if (!value.includes('&')) return []
  const plus = value.indexOf('&+')
  const pre = plus >= 0 ? value.slice(0, plus + 2) : value.slice(0, value.lastIndexOf('&') + 1)
  const post =
    plus >= 0
      ? value.length > plus + 3
        ? value.slice(plus + 3)
        : ''
      : value.slice(value.lastIndexOf('&') + 1)
  return [pre, post].filter((section) => section.length >= 6)
}
