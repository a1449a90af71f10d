/**
 * The runner emulation shows what actions/runner would show: both streams, its line splitting, its
 * workflow-command parsing, its masks (whole values, their lines and their encodings, never words),
 * its input handling and its GITHUB_OUTPUT parsing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  inputEnvironment,
  parseOutputFile,
  runAction,
  unexpectedInputsWarning,
  type ActionRun
} from './run-action.ts'
import {
  expectMaskedFirst,
  expectNoLeak,
  expectNoLeakIn,
  leakForms,
  outputLines,
  parseCommand,
  renderLog,
  type OutputChunk
} from './runner-log.ts'

const out = (text: string): OutputChunk => ({ stream: 'stdout', text })
const err = (text: string): OutputChunk => ({ stream: 'stderr', text })

describe('lines', () => {
  it('end at \\r, \\n or \\r\\n, even when a \\r\\n is split between two chunks', () => {
    expect(outputLines([out('a\rb\nc\r'), out('\nd\r\n\ne')]).map((l) => l.line)).toEqual([
      'a',
      'b',
      'c',
      'd',
      '',
      'e'
    ])
  })

  it('of stderr are shown as well as stdout’s, in the order they arrived', () => {
    const { log } = renderLog([out('one\n'), err('two\nthree'), out('four\n')], false)
    expect(log).toBe('one\ntwo\nfour\nthree')
  })

  it('that a \\r separates are each a command, as the runner reads them', () => {
    const { log, commands } = renderLog('progress 50%\r::warning::injected\rdone', false)
    expect(log).toBe('progress 50%\nWarning: injected\ndone')
    expect(commands.map((c) => c.name)).toEqual(['warning'])
  })
})

describe('workflow commands', () => {
  it.each([
    ['after leading whitespace', '   ::warning::x'],
    ['in any case', '::WARNING::x'],
    ['in the legacy form, anywhere in the line', 'text ##[warning]x'],
    ['with properties', '::warning file=a.ts,line=1::x']
  ])('are recognised %s', (_, line) => {
    expect(parseCommand(line)).toMatchObject({ name: 'warning', data: 'x' })
  })

  it.each(['::notacommand::x', ': :warning: :x', '## [warning]x'])(
    'are only the registered ones, in either form: not %j',
    (line) => expect(parseCommand(line)).toBeUndefined()
  )

  it('unescape %0D, %0A and %25 in their data', () => {
    expect(parseCommand('::error::a%0Ab%0Dc%2541')?.data).toBe('a\nb\rc%41')
  })

  it('stop being processed after stop-commands, until its token', () => {
    const { log, commands } = renderLog(
      '::stop-commands::pause-token-1\n::warning::shown as text\n::pause-token-1::\n::warning::again',
      false
    )
    expect(commands.map((c) => c.name)).toEqual(['stop-commands', 'warning'])
    expect(log).toBe('::stop-commands::***\n::warning::shown as text\n::***::\nWarning: again')
  })

  it('show debug lines and echo commands only in debug mode', () => {
    const stdout = '::debug::detail\n::set-output name=a::b\n::add-mask::hidden-value'
    expect(renderLog(stdout, false).log).toBe('')
    expect(renderLog(stdout, true).log).toBe(
      '##[debug]detail\n::set-output name=a::b\n::add-mask::***'
    )
  })
})

describe('masks', () => {
  it('apply to lines written after them, on either stream', () => {
    const { log } = renderLog(
      [out('before s3cret-value\n::add-mask::s3cret-value\n'), err('after s3cret-value\n')],
      false
    )
    expect(log).toBe('before s3cret-value\nafter ***')
  })

  it('cover the whole value and each of its lines, trimmed, never single words', () => {
    const { log, masked } = renderLog(
      '::add-mask::not a token\n::add-mask:: first line %0D%0A second line \n' +
        'a token is not a token\nfirst line\nsecond line\nfirst',
      false
    )
    expect(masked).toEqual([
      'not a token',
      ' first line \r\n second line ',
      'first line',
      'second line'
    ])
    expect(log).toBe('a token is ***\n***\n***\nfirst')
  })

  it('cover the encodings the runner registers: base64 at three alignments, URL and JSON', () => {
    const secret = 'p@ss "word"/ü'
    const base64 = (text: string) => Buffer.from(text).toString('base64')
    const forms = [
      base64(secret),
      Buffer.from(secret).subarray(1).toString('base64'),
      Buffer.from(secret).subarray(2).toString('base64'),
      'p%40ss%20%22word%22%2F%C3%BC',
      'p@ss \\"word\\"/ü'
    ]
    const { log } = renderLog(`::add-mask::${secret}\n${forms.join('\n')}`, false)
    expect(log).toBe(forms.map(() => '***').join('\n'))
  })

  it('warn on an empty value', () => {
    expect(renderLog('::add-mask:: ', false).log).toBe(
      "Warning: Can't add secret mask for empty string in ##[add-mask] command."
    )
  })
})

describe('inputs', () => {
  const metadata = {
    inputs: { token: {}, 'api-url': { default: '${{ github.api_url }}' } },
    runs: { using: 'node24', main: 'main.js' }
  }
  const github = { api_url: 'https://api.github.com' }

  it('are named case-insensitively, and an undeclared one is warned about and still passed', () => {
    const inputs = { Token: 't', 'API-URL': 'u', extra: 'x' }
    expect(inputEnvironment(metadata, inputs, github)).toEqual({
      INPUT_TOKEN: 't',
      'INPUT_API-URL': 'u',
      INPUT_EXTRA: 'x'
    })
    expect(unexpectedInputsWarning(metadata, inputs)).toBe(
      "Unexpected input(s) 'extra', valid inputs are ['token', 'api-url']"
    )
    expect(unexpectedInputsWarning(metadata, { TOKEN: 't' })).toBeUndefined()
  })

  it('not given take their evaluated default', () => {
    expect(inputEnvironment(metadata, {}, github)).toEqual({
      INPUT_TOKEN: '',
      'INPUT_API-URL': 'https://api.github.com'
    })
  })
})

describe('GITHUB_OUTPUT', () => {
  it('holds name=value lines and name<<DELIMITER blocks', () => {
    expect(parseOutputFile('a=1\n\nb<<EOF\nline 1\nline 2\nEOF\nc<<X\nX\nd=x<<y')).toEqual({
      a: '1',
      b: 'line 1\nline 2',
      c: '',
      d: 'x<<y'
    })
  })

  it.each([
    [
      'a block without its closing delimiter',
      'token<<EOF\nvalue\n',
      'Matching delimiter not found'
    ],
    ['a line that is neither', 'just text\n', "Invalid format 'just text'"],
    ['a block without a delimiter', 'token<<\n', 'delimiter must not be empty'],
    ['a value without a name', '=value\n', 'Name must not be empty']
  ])('that has %s fails the step', (_, text, problem) => {
    expect(() => parseOutputFile(text)).toThrow(problem)
  })
})

describe('runAction', () => {
  let actionDir: string
  beforeEach(async () => {
    actionDir = await mkdtemp(join(tmpdir(), 'run-action-test-'))
    await writeFile(
      join(actionDir, 'action.yml'),
      'name: t\ndescription: t\ninputs:\n  token:\n    required: true\nruns:\n  using: node24\n  main: main.cjs\n'
    )
  })
  afterEach(() => rm(actionDir, { recursive: true, force: true }))

  const script = (body: string) => writeFile(join(actionDir, 'main.cjs'), body)

  it('renders stderr, keeps it raw, warns on an undeclared input and reads set-output', async () => {
    await script(`
      const { appendFileSync } = require('node:fs')
      const { INPUT_TOKEN, INPUT_EXTRA, GITHUB_OUTPUT } = process.env
      // The mask first, flushed, then stderr: the runner does not order lines across streams.
      process.stdout.write('::add-mask::' + INPUT_TOKEN + '\\n', () =>
        setTimeout(() => {
          process.stderr.write('stderr says ' + INPUT_TOKEN + ' and ' + INPUT_EXTRA + '\\n')
          process.stdout.write('::set-output name=from-command::1\\n')
          appendFileSync(GITHUB_OUTPUT, 'from-file<<EOF\\n2\\nEOF\\n')
        }, 100)
      )
    `)
    const run = await runAction({
      actionDir,
      inputs: { TOKEN: 'tok-123456', extra: 'x' },
      github: { api_url: 'https://api.github.com' }
    })
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('stderr says tok-123456 and x\n')
    expect(run.log).toBe(
      "Warning: Unexpected input(s) 'extra', valid inputs are ['token']\nstderr says *** and x"
    )
    expect(run.outputs).toEqual({ 'from-command': '1', 'from-file': '2' })
  })

  it('kills a run that outlives its time, and says so', async () => {
    await script('setInterval(() => {}, 1000)')
    const run = await runAction({
      actionDir,
      inputs: { token: 't' },
      github: { api_url: 'https://x.invalid' },
      timeoutMs: 300
    })
    expect(run).toMatchObject({ timedOut: true, exitCode: null })
  })

  it('fails on a malformed GITHUB_OUTPUT, as the runner fails the step', async () => {
    await script(
      `require('node:fs').appendFileSync(process.env.GITHUB_OUTPUT, 'token<<EOF\\nx\\n')`
    )
    await expect(
      runAction({ actionDir, inputs: { token: 't' }, github: { api_url: 'https://x.invalid' } })
    ).rejects.toThrow("Matching delimiter not found 'EOF'")
  })
})

describe('the leak checks', () => {
  const secret = '"p@ss" (wörd)/ghp+s3cret!'
  const run = (stdout: string, more: Partial<ActionRun> = {}): ActionRun => ({
    exitCode: 0,
    timedOut: false,
    durationMs: 0,
    stdout,
    stderr: '',
    output: [out(stdout)],
    ...renderLog(stdout, false),
    outputs: {},
    summary: '',
    ...more
  })
  const thrown = (check: () => void) => {
    try {
      check()
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('the check passed')
  }

  it.each(leakForms(secret).map(({ kind, form }) => [kind, form]))(
    'find a secret %s',
    (kind, form) => {
      const message = thrown(() => expectNoLeakIn({ summary: `x ${form} y` }, [secret]))
      expect(message).toBe(`summary shows secret 1 (${kind}): x [HERE] y`)
    }
  )

  it('name a leak without showing any form of any secret around it', () => {
    const forms = [secret, 'an0therSecretValue'].flatMap((s) =>
      leakForms(s).map(({ form }) => form)
    )
    const message = thrown(() =>
      expectNoLeakIn({ log: forms.reverse().join(' ') }, [secret, 'an0therSecretValue'])
    )
    expect(message).toMatch(/^log shows secret 1 \(raw\): [* ]*\[HERE\][* ]*$/)
  })

  it('see a run’s stdout but masks, stderr, log, summary and outputs but the token', () => {
    expect(() =>
      expectNoLeak(run(`::add-mask::${secret}\n`, { outputs: { token: secret } }), [secret])
    ).not.toThrow()
    expect(
      thrown(() => expectNoLeak(run('ok', { outputs: { other: secret } }), [secret]))
    ).toContain('output other shows secret 1 (raw)')
    expect(thrown(() => expectNoLeak(run('ok', { stderr: secret }), [secret]))).toContain(
      'stderr shows'
    )
  })

  it('want each mask before any line that shows the secret, or before every line', () => {
    const masked = `::add-mask::${secret}\nsaid ${secret}\n`
    expect(() => expectMaskedFirst(run(`hello\n${masked}`), [secret])).not.toThrow()
    expect(
      thrown(() => expectMaskedFirst(run(`hello\n${masked}`), [secret], { beforeAnyOutput: true }))
    ).toBe('secret 1 is masked after 1 other line(s)')
    expect(
      thrown(() =>
        expectMaskedFirst(run(`${Buffer.from(secret).toString('base64')}\n${masked}`), [secret])
      )
    ).toContain('stdout line 1 shows secret 1 (base64 from byte 0)')
    expect(thrown(() => expectMaskedFirst(run('hello'), [secret]))).toBe(
      'secret 1 is never masked with ::add-mask::'
    )
  })
})
