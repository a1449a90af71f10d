/**
 * The log the GitHub Actions runner (actions/runner 2.336) shows for a step, and the one leak check:
 * - stdout and stderr are read separately, line by line (a line ends at `\r`, `\n` or `\r\n`:
 *   ProcessInvoker.cs), each line through the same command processing (OutputManager.cs); the
 *   order between the streams is not guaranteed, so here lines are taken as they arrived.
 * - A line is a workflow command when, after leading whitespace, it is `::name props::data`, or it
 *   holds `##[name props]data` anywhere, and `name` (any case) is registered (ActionCommand.cs).
 * - `::add-mask::VALUE` masks the value and each of its CR/LF-separated lines, trimmed, with the
 *   encodings ValueEncoders.cs registers, in every line written after it (SecretMasker.cs).
 * - Commands are echoed only with step debug on (ExecutionContext.cs: EchoOnActionCommand).
 */
import type { ActionRun } from './run-action.ts'

export type Stream = 'stdout' | 'stderr'
/** What a step wrote, one chunk at a time, in the order the chunks arrived. */
export interface OutputChunk {
  stream: Stream
  text: string
}
/** A workflow command the runner processed; `name` lower-cased, as the runner matches it. */
export interface WorkflowCommand {
  stream: Stream
  name: string
  properties: Record<string, string>
  data: string
}
export interface RenderedLog {
  /** The log as a person sees it: commands consumed or rendered, masked values as `***`. */
  log: string
  /** Values registered with `::add-mask::`, in order. */
  masked: string[]
  commands: WorkflowCommand[]
}

const REGISTERED =
  'stop-commands set-env set-output save-state add-mask add-path add-matcher remove-matcher debug warning error notice group endgroup echo'
/** Never echoed, even with step debug on (`OmitEcho`). */
const OMIT_ECHO = new Set(['add-mask', 'debug', 'warning', 'error', 'notice'])

/** The lines of each stream, in arrival order, split as .NET's `StreamReader.ReadLine` splits. */
export function outputLines(chunks: OutputChunk[]): { stream: Stream; line: string }[] {
  const lines: { stream: Stream; line: string }[] = []
  const pending: Record<Stream, string> = { stdout: '', stderr: '' }
  const take = (stream: Stream, final: boolean) => {
    // A `\r` that ends the text so far may be the first half of a `\r\n` still to come.
    const parts = pending[stream].split(final ? /\r\n|\r|\n/ : /\r\n|\n|\r(?=[\s\S])/)
    const rest = parts.pop() as string
    pending[stream] = final ? '' : rest
    if (final && rest !== '') parts.push(rest)
    for (const line of parts) lines.push({ stream, line })
  }
  for (const { stream, text } of chunks) {
    pending[stream] += text
    take(stream, false)
  }
  take('stderr', true)
  take('stdout', true)
  return lines
}

/** `output` is stdout alone or both streams' chunks; `debug` is step debug (RUNNER_DEBUG=1). */
export function renderLog(output: string | OutputChunk[], debug: boolean): RenderedLog {
  const chunks = typeof output === 'string' ? [{ stream: 'stdout' as const, text: output }] : output
  const masker = new RunnerMasker()
  const registered = new Set(REGISTERED.split(' '))
  const shown: string[] = []
  const masked: string[] = []
  const commands: WorkflowCommand[] = []
  const show = (text: string) => shown.push(masker.mask(text))
  let echo = debug
  let stopToken: string | undefined
  for (const { stream, line } of outputLines(chunks)) {
    const command = parseCommand(line, registered)
    if (!command || stopToken !== undefined) {
      // Stopped, every line is text; the token given to stop-commands resumes processing.
      show(line)
      if (stopToken !== undefined && command?.name === stopToken) {
        registered.delete(stopToken)
        stopToken = undefined
      }
      continue
    }
    commands.push({ stream, ...command })
    const { name, data } = command
    const token = data.toLowerCase()
    if (name === 'stop-commands') {
      if (data === '' || registered.has(token) || token === 'pause-logging') {
        show(`Error: Unable to process command '${line}': invalid stop-commands token`)
        continue
      }
      registered.add((stopToken = token))
      if (data.length > 6) masker.add(data)
      show(line)
      continue
    }
    if (echo && !OMIT_ECHO.has(name)) show(line)
    if (name === 'set-env' || name === 'add-path') {
      // Refused unless ACTIONS_ALLOW_UNSECURE_COMMANDS is set.
      show(`Error: Unable to process command '${line}' successfully.`)
      show(`Error: The \`${name}\` command is disabled.`)
    } else if (name === 'add-mask' && data.trim() === '') {
      show("Warning: Can't add secret mask for empty string in ##[add-mask] command.")
    } else if (name === 'add-mask') {
      if (echo) show('::add-mask::***')
      for (const value of [data, ...data.split(/[\r\n]/).map((part) => part.trim())]) {
        if (masker.add(value)) masked.push(value)
      }
    } else if (name === 'debug' && debug) show(`##[debug]${data}`)
    else if (['warning', 'error', 'notice'].includes(name)) {
      show(`${name[0]?.toUpperCase()}${name.slice(1)}: ${data}`)
    } else if (name === 'group') show(`##[group]${data}`)
    else if (name === 'endgroup') show('##[endgroup]')
    else if (name === 'echo' && ['ON', 'OFF'].includes(data.trim().toUpperCase())) {
      echo = data.trim().toUpperCase() === 'ON'
    } else if (name === 'echo') show(`Error: Invalid echo command value '${data}'.`)
  }
  return { log: shown.join('\n'), masked, commands }
}

const DATA: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY: [string, string][] = [...DATA.slice(0, 2), ['%3A', ':'], ['%2C', ','], ['%25', '%']]
const LEGACY: [string, string][] = [['%3B', ';'], ...DATA.slice(0, 2), ['%5D', ']'], ['%25', '%']]
const unescape = (text: string, mappings: [string, string][]) =>
  mappings.reduce((value, [escaped, plain]) => value.split(escaped).join(plain), text)

/** ActionCommand.TryParseV2, then the legacy TryParse; undefined when the line is no command. */
export function parseCommand(
  line: string,
  registered = new Set(REGISTERED.split(' '))
): Omit<WorkflowCommand, 'stream'> | undefined {
  const trimmed = line.trimStart()
  const end = trimmed.startsWith('::') ? trimmed.indexOf('::', 2) : -1
  const v2 = end >= 0 && command(trimmed.slice(2, end), trimmed.slice(end + 2), registered, false)
  if (v2) return v2
  const start = line.indexOf('##[')
  const close = start < 0 ? -1 : line.indexOf(']', start)
  if (close >= 0)
    return command(line.slice(start + 3, close), line.slice(close + 1), registered, true)
}

function command(info: string, data: string, registered: Set<string>, legacy: boolean) {
  const [name = '', ...rest] = info.split(' ')
  if (!registered.has(name.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  for (const pair of rest
    .join(' ')
    .trim()
    .split(legacy ? ';' : ',')) {
    const [, key = '', value = ''] = /^([^=]*)=?([\s\S]*)$/.exec(pair) ?? []
    if (key !== '' && value !== '') properties[key] = unescape(value, legacy ? LEGACY : PROPERTY)
  }
  return { name: name.toLowerCase(), properties, data: unescape(data, legacy ? LEGACY : DATA) }
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

  /** Every occurrence of every value, overlapping or touching ones merged, as one `***` each. */
  mask(text: string): string {
    const hidden = new Uint8Array(text.length)
    for (const value of this.values) {
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        hidden.fill(1, at, at + value.length)
      }
    }
    return text.replace(/[\s\S]/g, (c, at: number) =>
      hidden[at] ? (at > 0 && hidden[at - 1] ? '' : '***') : c
    )
  }
}

/** The value and what each encoder HostContext registers makes of it (ValueEncoders.cs). */
export function runnerEncodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const base64 = (shift: number) => (bytes.length > shift ? bytes.subarray(shift) : bytes)
  const xml: Record<string, string> = { '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos', '&': 'amp' }
  // PowerShell's pre- and post-ampersand escapes: the sections around `&+`, or the last `&`.
  const plus = value.indexOf('&+')
  const amp = plus >= 0 ? plus + 2 : value.lastIndexOf('&') + 1
  const sections = value.includes('&')
    ? [value.slice(0, amp), plus >= 0 ? value.slice(plus + 3) : value.slice(amp)]
    : []
  return [
    value,
    ...[0, 1, 2].map((shift) => base64(shift).toString('base64')),
    value.replaceAll('"', '\\"'),
    value.replaceAll("'", "''"),
    // Newtonsoft's JsonConvert.ToString also escapes U+0085, U+2028 and U+2029.
    JSON.stringify(value)
      .slice(1, -1)
      .replace(
        /[\u0085\u2028\u2029]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
      ),
    dotNetUriEscape(value),
    value.replace(/[<>"'&]/g, (c) => `&${xml[c]};`),
    value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : '',
    ...sections.filter((section) => section.length >= 6)
  ]
}

/** .NET's Uri.EscapeDataString: everything but RFC 3986's unreserved characters. */
const dotNetUriEscape = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )

/**
 * How a secret could show: the raw value, its first 8 characters, JSON-, URL- (JavaScript's and
 * .NET's way) and hex-encoded, base64 and base64url at each of the three byte alignments it can take
 * inside a longer text. Forms under 8 characters (the secret itself aside) are too common to seek.
 */
export function leakForms(secret: string): { kind: string; form: string }[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms = [
    { kind: 'raw', form: secret },
    { kind: 'first 8 characters', form: secret.slice(0, 8) },
    { kind: 'JSON-escaped', form: JSON.stringify(secret).slice(1, -1) },
    { kind: 'URL-encoded', form: encodeURIComponent(secret) },
    { kind: 'URL-encoded (.NET)', form: dotNetUriEscape(secret) },
    { kind: 'hex', form: bytes.toString('hex') },
    ...[0, 1, 2].flatMap((shift) => {
      const whole = bytes.subarray(shift, shift + Math.floor((bytes.length - shift) / 3) * 3)
      return (['base64', 'base64url'] as const).map((encoding) => ({
        kind: `${encoding} from byte ${shift}`,
        form: whole.toString(encoding)
      }))
    })
  ]
  return forms.filter(
    ({ form }, index) =>
      (form === secret || form.length >= 8) && forms.findIndex((o) => o.form === form) === index
  )
}

/**
 * The one leak check: throws unless no secret shows, in any `leakForms` form, in any of `places`
 * (name -> text); the error names the place, the secret's number and the form, never the secret.
 */
export function expectNoLeakIn(places: Record<string, string>, secrets: string[]): void {
  const hide = new RunnerMasker()
  for (const secret of secrets) for (const { form } of leakForms(secret)) hide.add(form)
  secrets.forEach((secret, index) => {
    for (const { kind, form } of leakForms(secret)) {
      for (const [place, text] of Object.entries(places)) {
        const at = text.indexOf(form)
        if (at < 0) continue
        const around = `${text.slice(Math.max(0, at - 60), at)}[HERE]${text.slice(at + form.length, at + form.length + 60)}`
        throw new Error(`${place} shows secret ${index + 1} (${kind}): ${hide.mask(around)}`)
      }
    }
  })
}

/**
 * `expectNoLeakIn` for a run: stdout less the `::add-mask::` lines the runner consumes, stderr,
 * the log, the summary, and every output but the minted token's own (`token`).
 */
export function expectNoLeak(run: ActionRun, secrets: string[]): void {
  const outputs = Object.entries(run.outputs).filter(([name]) => name !== 'token')
  expectNoLeakIn(
    {
      stdout: shownLines(run, 'stdout').join('\n'),
      stderr: run.stderr,
      log: run.log,
      summary: run.summary,
      ...Object.fromEntries(outputs.map(([name, value]) => [`output ${name}`, value]))
    },
    secrets
  )
}

/**
 * The one "masked first" check: each secret's `::add-mask::` comes before any line of either stream
 * that shows it in any `leakForms` form; with `beforeAnyOutput`, before every line but masks.
 */
export function expectMaskedFirst(
  run: ActionRun,
  secrets: string[],
  { beforeAnyOutput = false } = {}
): void {
  const lines = outputLines(run.output)
  const isMask = (line: string) => parseCommand(line)?.name === 'add-mask'
  secrets.forEach((secret, index) => {
    const maskAt = lines.findIndex(
      ({ line }) => isMask(line) && parseCommand(line)?.data === secret
    )
    if (maskAt < 0) throw new Error(`secret ${index + 1} is never masked with ::add-mask::`)
    const early = lines.slice(0, maskAt).filter(({ line }) => !isMask(line))
    if (beforeAnyOutput && early.length > 0) {
      throw new Error(`secret ${index + 1} is masked after ${early.length} other line(s)`)
    }
    expectNoLeakIn(
      Object.fromEntries(early.map(({ stream, line }, at) => [`${stream} line ${at + 1}`, line])),
      [secret]
    )
  })
}

/** The lines of a stream that the runner shows (all but the `::add-mask::` commands it consumes). */
const shownLines = (run: ActionRun, stream: Stream) =>
  run[stream].split(/\r\n|\r|\n/).filter((line) => parseCommand(line)?.name !== 'add-mask')
