/**
 * `npm run docs`: writes what the documentation shows of other files: the README's `with:` usage
 * blocks (one per action, every input commented with its description and default, in
 * actions/checkout's style) from the action.yml files, and each recipe shown in README.md or
 * docs/ (`<!-- example: examples/NAME.yml -->`) from its file. `__tests__/project/docs.test.ts`
 * holds the committed documents equal to what this writes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..')
export const ACTIONS = [
  ['action.yml', 'OWNER/runner-remove-token@v1'],
  ['delete-runner/action.yml', 'OWNER/runner-remove-token/delete-runner@v1'],
  ['unseal-token/action.yml', 'OWNER/runner-remove-token/unseal-token@v1']
] as const
const WIDTH = 96

interface Input {
  description: string
  required?: boolean
  default?: string
}

/** Words wrapped to lines of at most `width` characters, each behind `prefix`. */
function wrap(text: string, prefix: string, width = WIDTH): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(prefix + line)
  return lines
}

/** The usage block of one action, as the README shows it (without the fence). */
export function usage(path: string, uses: string): string {
  const metadata = parse(readFileSync(join(ROOT, path), 'utf8')) as {
    inputs: Record<string, Input>
  }
  const inputs = Object.entries(metadata.inputs).map(([name, input]) =>
    [
      ...wrap(input.description, '    # '),
      ...(input.required ? ['    # Required.'] : []),
      ...(input.default ? [`    # Default: ${input.default}`] : []),
      `    ${name}: ''`
    ].join('\n')
  )
  return `- uses: ${uses}\n  with:\n${inputs.join('\n')}\n`
}

const BLOCK = /(<!-- usage: (\S+) -->\n\n```yaml\n)[\s\S]*?(```\n)/g

const EXAMPLE = /(<!-- example: (\S+) -->\n\n```yaml\n)[\s\S]*?(```\n)/g

/** The documents that show other files: README.md and every page of docs/. */
export const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)
]

/** A document with every usage block and every recipe written from the file it shows. */
export function written(text: string): string {
  return text
    .replace(BLOCK, (_, head: string, path: string, fence: string) => {
      const action = ACTIONS.find(([file]) => file === path)
      if (!action) throw new Error(`A usage block names ${path}, which is no action`)
      return `${head}${usage(action[0], action[1])}${fence}`
    })
    .replace(
      EXAMPLE,
      (_, head: string, path: string, fence: string) =>
        `${head}${readFileSync(join(ROOT, path), 'utf8')}${fence}`
    )
}

if (import.meta.main) {
  for (const document of DOCUMENTS) {
    const file = join(ROOT, document)
    writeFileSync(file, written(readFileSync(file, 'utf8')))
  }
  console.log(`Wrote the usage blocks and recipes of ${DOCUMENTS.join(', ')}.`)
}
