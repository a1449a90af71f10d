import * as core from '@actions/core'
import { InputError } from '../step/inputs.js'
import { log } from '../step/log.js'
import { secrets, type Secrets } from '../step/secrets.js'
import { isPrintableAscii, quotedForLog } from '../step/text.js'
import type { Target } from './target.js'

/** The action's inputs exactly as the runner passed them (already trimmed by `core.getInput`). */
export interface RawInputs {
  token: string
  owner: string
  repo: string
  org: string
  enterprise: string
  apiUrl: string
  retries: string
  timeout: string
}

/** What the runner's environment contributes when an input is left empty. */
export interface InputEnv {
  GITHUB_REPOSITORY?: string
  GITHUB_API_URL?: string
}

/** Validated inputs: everything below this module trusts them. */
export interface Inputs {
  token: string
  target: Target
  apiUrl: string
  retries: number
  /** Seconds one attempt may take. */
  timeoutS: number
}

const DEFAULT_API_URL = 'https://api.github.com'
const LOGIN = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/
const LOGIN_MAX = 39
/** Enterprise Managed Users' logins: a handle, '_', and the enterprise's short code (mona_octo). */
const MANAGED_USER_SUFFIX = /_[A-Za-z0-9]+$/
const REPO_NAME = /^[A-Za-z0-9._-]+$/
const REPO_MAX = 100
const SLUG = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/
const SLUG_MAX = 100

/**
 * The parsers of the inputs every token-using action shares, for `validateAll`: each action adds
 * its own, so that bad input is refused before any request, every problem listed at once.
 */
export function commonParsers(
  raw: RawInputs,
  env: InputEnv
): { [K in keyof Inputs]: () => Inputs[K] } {
  return {
    token: () => parseToken(raw.token),
    target: () => parseTarget(raw, env),
    apiUrl: () => parseApiUrl(raw.apiUrl, env.GITHUB_API_URL),
    retries: () => parseRetries(raw.retries),
    timeoutS: () => parseTimeout(raw.timeout)
  }
}

function parseToken(token: string): string {
  if (token === '') {
    throw new InputError(
      "Input 'token' is empty. Pass a token that may administer the runners, e.g. " +
        '`token: ${{ secrets.RUNNER_ADMIN_TOKEN }}`; if you did, check that the secret exists and is ' +
        'available to this workflow (the default GITHUB_TOKEN cannot mint remove tokens).'
    )
  }
  // Every GitHub token is printable ASCII; HTTP refuses a header with anything else in it.
  if (!isPrintableAscii(token)) {
    throw new InputError(
      "Input 'token' contains whitespace, a control character or a non-ASCII character, which a " +
        'GitHub token never does: an invisible or non-ASCII character (a zero-width space, a line ' +
        'break, a second line) was probably pasted with it. Set the secret to the token alone.'
    )
  }
  return token
}

function parseTarget(raw: RawInputs, env: InputEnv): Target {
  const given = (['owner', 'repo', 'org', 'enterprise'] as const).filter((name) => raw[name] !== '')
  const scopes = new Set(given.map((name) => (name === 'owner' ? 'repo' : name)))
  if (scopes.size > 1) {
    throw new InputError(
      `Inputs ${given.map((name) => `'${name}'`).join(', ')} are all set, but they name different ` +
        "scopes. Set only one scope: 'owner' and 'repo' for a repository, 'org' for an " +
        "organization, or 'enterprise' for an enterprise."
    )
  }
  if (raw.org !== '') return { scope: 'organization', org: parseLogin('org', raw.org) }
  if (raw.enterprise !== '') {
    return { scope: 'enterprise', enterprise: parseSlug(raw.enterprise) }
  }
  if (raw.owner !== '' && raw.repo !== '') {
    return parseRepository(raw.owner, raw.repo)
  }
  if (raw.owner !== '' || raw.repo !== '') {
    const [set, missing] = raw.owner !== '' ? ['owner', 'repo'] : ['repo', 'owner']
    throw new InputError(
      `Input '${set}' is set but '${missing}' is empty. Set both 'owner' and 'repo' for a ` +
        "repository, or neither to use this workflow's own repository."
    )
  }
  return defaultRepository(env.GITHUB_REPOSITORY)
}

function defaultRepository(repository: string | undefined): Target {
  const [owner, repo, ...rest] = (repository ?? '').split('/')
  if (owner === undefined || repo === undefined || rest.length > 0 || !owner || !repo) {
    throw new InputError(
      "No scope given and GITHUB_REPOSITORY is not 'owner/repo', so there is no default repository. " +
        "Set 'owner' and 'repo', 'org', or 'enterprise'."
    )
  }
  return parseRepository(owner, repo)
}

function parseRepository(owner: string, repo: string): Target {
  return { scope: 'repository', owner: parseLogin('owner', owner), repo: parseRepoName(repo) }
}

/**
 * An organization's or user's login. A repository's owner may also be a managed user
 * (`handle_shortcode`, on GHE.com and enterprises with managed users); an organization may not.
 */
function parseLogin(name: 'owner' | 'org', value: string): string {
  const login = name === 'owner' ? value.replace(MANAGED_USER_SUFFIX, '') : value
  if (value.length <= LOGIN_MAX && LOGIN.test(login)) return value
  throw new InputError(
    `Input '${name}' is ${quotedForLog(value)}, which is not a GitHub login: a login has only letters, ` +
      `digits and single hyphens, does not start or end with a hyphen, and is at most ${LOGIN_MAX} ` +
      `characters${name === 'owner' ? " (a managed user's login ends in _SHORTCODE)" : ''}. ` +
      `Set '${name}' to the ${name === 'org' ? 'organization' : "repository owner's"} login as ` +
      'it appears in its URL, e.g. octo-org.'
  )
}

function parseRepoName(value: string): string {
  if (value.includes('/')) {
    throw new InputError(
      `Input 'repo' is ${quotedForLog(value)}: give only the repository's name in 'repo' and its owner in ` +
        "'owner' (e.g. owner: octo-org, repo: hello-world)."
    )
  }
  if (value.length <= REPO_MAX && REPO_NAME.test(value) && value !== '.' && value !== '..') {
    return value
  }
  throw new InputError(
    `Input 'repo' is ${quotedForLog(value)}, which is not a repository name: a name has only letters, ` +
      `digits, '.', '-' and '_', is at most ${REPO_MAX} characters, and is not '.' or '..'.`
  )
}

function parseSlug(value: string): string {
  if (value.length <= SLUG_MAX && SLUG.test(value)) return value
  throw new InputError(
    `Input 'enterprise' is ${quotedForLog(value)}, which is not an enterprise slug: a slug has only ` +
      "letters, digits and hyphens, not at the start or end. Use the slug from your enterprise's " +
      'URL, e.g. octo-corp for https://github.com/enterprises/octo-corp.'
  )
}

function parseApiUrl(input: string, fromEnv: string | undefined): string {
  const [source, value] =
    input !== ''
      ? ["Input 'api-url'", input]
      : fromEnv
        ? ["GITHUB_API_URL (used because input 'api-url' is empty)", fromEnv]
        : ['', DEFAULT_API_URL]
  const fix =
    "Set 'api-url' to your REST API's base URL: https://api.github.com, " +
    'https://HOST/api/v3 for GitHub Enterprise Server, or https://api.SUBDOMAIN.ghe.com for GHE.com.'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      `${source} is ${quotedForLog(value)}, which is not an absolute URL. ${fix}`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `${source} is ${quotedForLog(value)}: only http and https URLs work. ${fix}`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      `${source} contains credentials; never put a token in a URL. Pass it in 'token' instead. ${fix}`
    )
  }
  // Any '?' or '#', even one with nothing after it (then url.search and url.hash are empty).
  if (/[?#]/.test(value)) {
    // Not echoed: a query is where a token pasted by mistake would be.
    throw new InputError(`${source} has a query or fragment: remove it. ${fix}`)
  }
  if (url.hostname === 'github.com' || url.hostname === 'www.github.com') {
    throw new InputError(
      `${source} is ${quotedForLog(value)}, the web address, not the API. Use https://api.github.com.`
    )
  }
  return url.href.replace(/\/+$/, '')
}

const DEFAULT_RETRIES = 3
const MAX_RETRIES = 10
const DEFAULT_TIMEOUT_S = 30
/** Below a second, an attempt cannot even finish a TLS handshake with a distant server. */
const MIN_TIMEOUT_S = 1
const MAX_TIMEOUT_S = 300

function parseRetries(value: string): number {
  if (value === '') return DEFAULT_RETRIES
  if (/^\d{1,2}$/.test(value) && Number(value) <= MAX_RETRIES) return Number(value)
  throw new InputError(
    `Input 'retries' is ${quotedForLog(value)}: give how many times a failed request may be tried ` +
      `again, a whole number from 0 to ${MAX_RETRIES} (default ${DEFAULT_RETRIES}).`
  )
}

function parseTimeout(value: string): number {
  if (value === '') return DEFAULT_TIMEOUT_S
  const seconds = Number(value)
  if (/^\d+(?:\.\d+)?$/.test(value) && seconds >= MIN_TIMEOUT_S && seconds <= MAX_TIMEOUT_S) {
    return seconds
  }
  throw new InputError(
    `Input 'timeout' is ${quotedForLog(value)}: give the seconds one attempt may take before it is ` +
      `abandoned, a number from ${MIN_TIMEOUT_S} to ${MAX_TIMEOUT_S} (default ${DEFAULT_TIMEOUT_S}).`
  )
}

/** The inputs the token-using actions declare, read once, with the token masked first. */
export function readCommonInputs(known: Secrets = secrets): RawInputs {
  const token = core.getInput('token')
  known.add(token)
  return {
    token,
    owner: core.getInput('owner'),
    repo: core.getInput('repo'),
    org: core.getInput('org'),
    enterprise: core.getInput('enterprise'),
    apiUrl: core.getInput('api-url'),
    retries: core.getInput('retries'),
    timeout: core.getInput('timeout')
  }
}

/** Loopback hosts: `localhost`, `127.0.0.0/8` and `::1`, as literals. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){2}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(hostname)
  )
}

/** The token goes in a header: over plain http, anyone on the way can read it. */
export function warnIfUnencrypted(apiUrl: string): void {
  const { protocol, hostname } = new URL(apiUrl)
  if (protocol === 'http:' && !isLoopback(hostname)) {
    log.warning(
      `'api-url' is ${apiUrl}: plain http sends the token unencrypted to ${hostname}. ` +
        'Use https unless this network is trusted end to end.'
    )
  }
}
