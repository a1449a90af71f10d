/**
 * Fakes of the actions the recipes use, played against a FakeWorld's GitHub: each checks the
 * inputs it needs and answers with the outputs its action.yml declares.
 */
import { randomBytes } from 'node:crypto'
import type { FakeWorld } from './fake-world.ts'
import type { ActionFake } from './workflow-job.ts'

const EXPIRES_AT = '2026-11-23T13:00:00.000Z'

export function fakeActions(world: FakeWorld): Record<string, ActionFake> {
  const sealed = new Map<string, { token: string; key: string }>()
  const required = (inputs: Record<string, string>, ...names: string[]) => {
    for (const name of names) if (!inputs[name]) throw new Error(`Input '${name}' is empty`)
  }
  return {
    'OWNER/runner-remove-token': (inputs): Record<string, string> => {
      required(inputs, 'token')
      const token = world.issueRemoveToken()
      const key = inputs['seal-key']
      if (!key) return { token, expires_at: EXPIRES_AT }
      // The interface of issue 12: an opaque value that holds no masked secret.
      const sealedToken = `sealed.${randomBytes(16).toString('base64url')}`
      sealed.set(sealedToken, { token, key })
      return { token, expires_at: EXPIRES_AT, 'sealed-token': sealedToken }
    },
    'OWNER/runner-remove-token/unseal-token': (inputs) => {
      required(inputs, 'sealed-token', 'seal-key')
      const entry = sealed.get(inputs['sealed-token'] as string)
      if (!entry || entry.key !== inputs['seal-key']) {
        throw new Error("Input 'sealed-token' cannot be opened with this 'seal-key'")
      }
      return { token: entry.token, expires_at: EXPIRES_AT }
    },
    'OWNER/runner-remove-token/delete-runner': (inputs) => {
      required(inputs, 'token', 'runner-name')
      const runner = world.registeredRunners().find(({ name }) => name === inputs['runner-name'])
      if (!runner) {
        if (inputs['missing-ok'] === 'false') throw new Error('No runner has that name')
        return { deleted: 'false', 'deleted-count': '0', runners: '[]' }
      }
      const status = world.isOnline(runner.host) ? 'online' : 'offline'
      if (status === 'online' && inputs['only-offline'] !== 'false') {
        throw new Error(`Runner '${runner.name}' (id ${runner.id}) is online: not deleted`)
      }
      world.deleteRegistration(runner.id)
      return {
        deleted: 'true',
        'deleted-count': '1',
        runners: JSON.stringify([{ id: runner.id, name: runner.name, status, deleted: true }])
      }
    },
    'actions/create-github-app-token': (inputs) => {
      required(inputs, 'app-id', 'private-key')
      return { token: world.secret('ghs_') }
    }
  }
}
