import { readFile } from 'node:fs/promises'
import { ACTION_NAME, ACTION_VERSION, USER_AGENT } from '../../src/github/version.js'

it('sends the version package.json declares, under the action name', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  expect(ACTION_NAME).toBe(pkg.name)
  expect(ACTION_VERSION).toBe(pkg.version)
  expect(USER_AGENT).toBe(`${pkg.name}/${pkg.version}`)
})
