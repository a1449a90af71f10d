/**
 * GitHub faked with nock for an in-process test file (no socket needed): no real connection, and
 * no interceptor left over from one test to the next. Also the inputs every token-using action
 * shares, as the runner passes them, for a step against that GitHub.
 */
import nock from 'nock'

export const API = 'https://api.github.test'

/** Call once at the top of a test file that fakes GitHub with nock. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  afterAll(() => {
    nock.enableNetConnect()
    nock.restore()
  })
}

/** The shared inputs (INPUT_* variables) of a step for this workflow's repository, at `API`. */
export function commonInputEnv(token: string): Record<string, string> {
  return {
    INPUT_TOKEN: token,
    INPUT_OWNER: '',
    INPUT_REPO: '',
    INPUT_ORG: '',
    INPUT_ENTERPRISE: '',
    'INPUT_API-URL': API,
    INPUT_RETRIES: '0',
    INPUT_TIMEOUT: '30',
    GITHUB_REPOSITORY: 'octo-org/hello-world'
  }
}
