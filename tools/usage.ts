/**
 * `npm run usage`: writes the README's `with:` usage blocks (one per action, every input
 * commented with its description and default, in actions/checkout's style) from the action.yml
 * files. `__tests__/project/docs.test.ts` holds the README equal to what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
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
  return `- uses: ${uses}\n  with:\n${inputs.join('\n\n')}\n`
}

const BLOCK = /(<!-- usage: (\S+) -->\n\n```yaml\n)[\s\S]*?(```\n)/g

/** The README with every usage block written from its action.yml. */
export function withUsage(readme: string): string {
  return readme.replace(BLOCK, (_, head: string, path: string, fence: string) => {
    const action = ACTIONS.find(([file]) => file === path)
    if (!action) throw new Error(`README names a usage block for ${path}, which is no action`)
    return `${head}${usage(action[0], action[1])}${fence}`
  })
}

if (import.meta.main) {
  const file = join(ROOT, 'README.md')
  writeFileSync(file, withUsage(readFileSync(file, 'utf8')))
  console.log('Wrote the usage blocks of README.md from the action.yml files.')
}
