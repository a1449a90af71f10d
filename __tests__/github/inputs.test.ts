import { commonParsers, type InputEnv, type RawInputs } from '../../src/github/inputs.js'
import { InputError, validateAll } from '../../src/step/inputs.js'

/** The shared inputs validated as the actions validate them. */
const parseInputs = (raw: RawInputs, env: InputEnv) => validateAll(commonParsers(raw, env))

const TOKEN = 'ghp_inputsTestToken0000000000000000000000'
const none: RawInputs = {
  token: TOKEN,
  owner: '',
  repo: '',
  org: '',
  enterprise: '',
  apiUrl: '',
  retries: '3',
  timeout: '30'
}
const env: InputEnv = { GITHUB_REPOSITORY: 'octo-org/hello-world' }

function parse(raw: Partial<RawInputs>, environment: InputEnv = env) {
  return parseInputs({ ...none, ...raw }, environment)
}

function refusal(raw: Partial<RawInputs>, environment: InputEnv = env): string {
  try {
    parse(raw, environment)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toContain(TOKEN)
    return message
  }
  throw new Error('expected the inputs to be refused')
}

describe('scope', () => {
  it("defaults to the workflow's own repository", () => {
    expect(parse({}).target).toEqual({
      scope: 'repository',
      owner: 'octo-org',
      repo: 'hello-world'
    })
  })

  it('takes an explicit repository over GITHUB_REPOSITORY', () => {
    expect(parse({ owner: 'other', repo: 'place' }).target).toEqual({
      scope: 'repository',
      owner: 'other',
      repo: 'place'
    })
  })

  it('takes an organization', () => {
    expect(parse({ org: 'octo-org' }).target).toEqual({ scope: 'organization', org: 'octo-org' })
  })

  it('takes an enterprise', () => {
    expect(parse({ enterprise: 'octo-corp' }).target).toEqual({
      scope: 'enterprise',
      enterprise: 'octo-corp'
    })
  })

  it.each([
    [{ org: 'a', repo: 'b' }, "'repo', 'org'"],
    [{ org: 'a', owner: 'b', repo: 'c' }, "'owner', 'repo', 'org'"],
    [{ org: 'a', enterprise: 'b' }, "'org', 'enterprise'"],
    [{ owner: 'a', enterprise: 'b' }, "'owner', 'enterprise'"]
  ])('refuses more than one scope (%o) naming the inputs', (raw, names) => {
    const message = refusal(raw)
    expect(message).toContain(`Inputs ${names} are all set`)
    expect(message).toContain('Set only one scope')
  })

  it.each([
    [{ owner: 'octo-org' }, "Input 'owner' is set but 'repo' is empty"],
    [{ repo: 'hello' }, "Input 'repo' is set but 'owner' is empty"]
  ])('refuses half a repository (%o)', (raw, text) => {
    expect(refusal(raw)).toContain(text)
  })

  it.each([undefined, '', 'just-owner', 'a/b/c', '/repo'])(
    'refuses to default when GITHUB_REPOSITORY is %p',
    (repository) => {
      expect(refusal({}, { GITHUB_REPOSITORY: repository })).toContain(
        "No scope given and GITHUB_REPOSITORY is not 'owner/repo'"
      )
    }
  )
})

describe('logins (owner, org)', () => {
  it.each(['a', 'octo', 'octo-org', 'A1-b2-C3', 'x'.repeat(39)])('accepts %p', (login) => {
    expect(parse({ org: login }).target).toEqual({ scope: 'organization', org: login })
    expect(parse({ owner: login, repo: 'r' }).target).toMatchObject({ owner: login })
  })

  it.each(['-octo', 'octo-', 'oc--to', 'oc.to', 'oc to', 'x'.repeat(40), 'ökto', 'a\nb'])(
    'refuses %p, naming the input and the rule',
    (login) => {
      expect(refusal({ org: login })).toContain(`Input 'org' is ${JSON.stringify(login)}`)
      const owner = refusal({ owner: login, repo: 'r' })
      expect(owner).toContain(
        `Input 'owner' is ${JSON.stringify(login)}, which is not a GitHub login`
      )
      expect(owner).toContain('at most 39 characters')
    }
  )

  it.each(['mona_octo', 'octo-cat_acme1', 'm_x'])('takes the managed-user owner %p', (owner) => {
    expect(parse({ owner, repo: 'r' }).target).toMatchObject({ owner })
    expect(parse({}, { GITHUB_REPOSITORY: `${owner}/dotfiles` }).target).toMatchObject({ owner })
  })

  it.each(['_octo', 'octo_', 'mona_octo_x', 'mo-_x', 'mona_oc-to'])(
    'refuses the owner %p',
    (owner) => {
      expect(refusal({ owner, repo: 'r' })).toContain("(a managed user's login ends in _SHORTCODE)")
    }
  )

  it('refuses a managed-user form for an organization', () => {
    expect(refusal({ org: 'mona_octo' })).toContain(
      'Input \'org\' is "mona_octo", which is not a GitHub login'
    )
  })

  it('cuts a very long value short in the message', () => {
    const message = refusal({ org: 'y'.repeat(5000) })
    expect(message.length).toBeLessThan(1000)
    expect(message).toContain('…')
  })
})

describe('repo', () => {
  it.each(['r', 'hello-world', 'hello_world', 'hello.world', '.github', '..x', 'x'.repeat(100)])(
    'accepts %p',
    (repo) => {
      expect(parse({ owner: 'octo', repo }).target).toMatchObject({ repo })
    }
  )

  it.each(['.', '..', 'x'.repeat(101), 'hello world', 'héllo', 'a:b', 'a\tb'])(
    'refuses %p',
    (repo) => {
      expect(refusal({ owner: 'octo', repo })).toContain(
        `Input 'repo' is ${JSON.stringify(repo)}, which is not a repository name`
      )
    }
  )

  it("says to split 'owner/repo' across the two inputs", () => {
    expect(refusal({ owner: 'octo', repo: 'octo/hello' })).toContain(
      "give only the repository's name in 'repo' and its owner in 'owner'"
    )
  })

  it('validates the default repository too', () => {
    expect(refusal({}, { GITHUB_REPOSITORY: 'octo/..' })).toContain('Input \'repo\' is ".."')
  })
})

describe('enterprise', () => {
  it.each(['octo-corp', 'octo', '123', 'a--b'])('accepts %p', (slug) => {
    expect(parse({ enterprise: slug }).target).toEqual({ scope: 'enterprise', enterprise: slug })
  })

  it.each(['-octo', 'octo-', 'octo corp', 'octo_corp', 'octo/corp', 'x'.repeat(101)])(
    'refuses %p',
    (slug) => {
      expect(refusal({ enterprise: slug })).toContain(
        `Input 'enterprise' is ${JSON.stringify(slug)}, which is not an enterprise slug`
      )
    }
  )
})

describe('token', () => {
  it('refuses an empty token, saying where it usually comes from', () => {
    const message = refusal({ token: '' })
    expect(message).toContain("Input 'token' is empty")
    expect(message).toContain('secret exists')
  })

  it.each([
    ['a space', `${TOKEN} x`],
    ['a line break', `${TOKEN}\nsecond`],
    ['a tab', `\t${TOKEN}`],
    ['a control character', `${TOKEN}\u0007`],
    ['a Unicode space', `${TOKEN}\u00a0`],
    ['a zero-width space', `${TOKEN}\u200b`],
    ['an emoji', `${TOKEN}\u{1f511}`],
    ['a non-ASCII letter', `ghp_\u00e9${TOKEN.slice(5)}`]
  ])('refuses a token with %s, without showing it', (_, token) => {
    const message = refusal({ token })
    expect(message).toContain(
      "Input 'token' contains whitespace, a control character or a non-ASCII"
    )
    expect(message).toContain('invisible or non-ASCII character')
    expect(message).not.toContain(TOKEN.slice(5, 20))
  })

  it('passes a good token through unchanged', () => {
    expect(parse({}).token).toBe(TOKEN)
  })
})

describe('api-url', () => {
  it.each([
    ['', {}, 'https://api.github.com'],
    ['', { GITHUB_API_URL: 'https://ghes.example.com/api/v3' }, 'https://ghes.example.com/api/v3'],
    ['https://api.github.com', {}, 'https://api.github.com'],
    ['https://api.github.com/', {}, 'https://api.github.com'],
    ['https://ghes.example.com/api/v3/', {}, 'https://ghes.example.com/api/v3'],
    ['https://api.octo.ghe.com', { GITHUB_API_URL: 'https://x.y' }, 'https://api.octo.ghe.com'],
    ['http://127.0.0.1:8080/api/v3', {}, 'http://127.0.0.1:8080/api/v3']
  ])('%p with env %o is %p', (apiUrl, extra, expected) => {
    expect(parse({ apiUrl }, { ...env, ...extra }).apiUrl).toBe(expected)
  })

  it.each([
    ['ghes.example.com/api/v3', 'is not an absolute URL'],
    ['/api/v3', 'is not an absolute URL'],
    ['ftp://ghes.example.com/api/v3', 'only http and https URLs work'],
    ['file:///etc/passwd', 'only http and https URLs work'],
    ['https://github.com', 'the web address, not the API. Use https://api.github.com']
  ])('refuses %p (%s)', (apiUrl, text) => {
    const message = refusal({ apiUrl })
    expect(message).toContain(`Input 'api-url' is ${JSON.stringify(apiUrl)}`)
    expect(message).toContain(text)
  })

  it.each([
    'https://ghes.example.com/api/v3?access_token=ghp_pasted',
    'https://api.github.com/#ghp_pasted',
    'https://ghes.example.com/api/v3?',
    'https://ghes.example.com/api/v3#',
    'https://ghes.example.com/api/v3/?#'
  ])('refuses a query or fragment in %p without repeating it', (apiUrl) => {
    const message = refusal({ apiUrl })
    expect(message).toContain("Input 'api-url' has a query or fragment: remove it.")
    expect(message).not.toContain('ghp_pasted')
  })

  it('refuses credentials in the URL without repeating them', () => {
    const message = refusal({ apiUrl: 'https://user:hunter2@ghes.example.com/api/v3' })
    expect(message).toContain("Input 'api-url' contains credentials")
    expect(message).not.toContain('hunter2')
  })

  it.each(['?', '#'])('refuses a bare %s at the end of GITHUB_API_URL too', (suffix) => {
    expect(
      refusal({}, { ...env, GITHUB_API_URL: `https://ghes.example.com/api/v3${suffix}` })
    ).toContain(
      "GITHUB_API_URL (used because input 'api-url' is empty) has a query or fragment: remove it."
    )
  })

  it('names GITHUB_API_URL when the bad value came from there', () => {
    expect(refusal({}, { ...env, GITHUB_API_URL: 'not a url' })).toContain(
      'GITHUB_API_URL (used because input \'api-url\' is empty) is "not a url"'
    )
  })
})

it('lists every problem at once', () => {
  const message = refusal({ token: '', org: '-bad', apiUrl: 'nope' })
  expect(message.split('\n')).toEqual([
    'Invalid inputs:',
    expect.stringContaining("- Input 'token' is empty"),
    expect.stringContaining('- Input \'org\' is "-bad"'),
    expect.stringContaining('- Input \'api-url\' is "nope"')
  ])
})

describe.each([
  {
    input: 'retries' as const,
    read: (value: string) => parse({ retries: value }).retries,
    accepted: [
      ['', 3],
      ['0', 0],
      ['3', 3],
      ['10', 10]
    ] as const,
    refused: ['-1', '11', '1.5', 'three', '1e1', '007', '0x3'],
    fix: 'give how many times a failed request may be tried again, a whole number from 0 to 10 (default 3).'
  },
  {
    input: 'timeout' as const,
    read: (value: string) => parse({ timeout: value }).timeoutS,
    accepted: [
      ['', 30],
      ['1', 1],
      ['1.5', 1.5],
      ['300', 300]
    ] as const,
    refused: ['0', '0.0', '0.0004', '0.999', '-5', '301', '30s', 'Infinity', 'NaN', '.5'],
    fix: 'give the seconds one attempt may take before it is abandoned, a number from 1 to 300 (default 30).'
  }
])('$input', ({ input, read, accepted, refused, fix }) => {
  it.each(accepted)('%p is %p', (value, expected) => {
    expect(read(value)).toBe(expected)
  })

  it.each(refused)('refuses %p', (value) => {
    expect(refusal({ [input]: value })).toContain(
      `Input '${input}' is ${JSON.stringify(value)}: ${fix}`
    )
  })
})
