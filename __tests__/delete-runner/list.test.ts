import nock from 'nock'
import { createClient } from '../../src/github/client.js'
import type { Target } from '../../src/github/target.js'
import {
  findRunnerGroup,
  listRunners,
  MAX_PAGES,
  nextLink,
  PER_PAGE
} from '../../src/delete-runner/list.js'
import { UNSAFE_CHARACTERS } from '../step/unsafe-characters.js'
import { API, useNock } from '../github/nock-github.ts'

const PATH = '/orgs/octo-org/actions/runners'
const org: Target = { scope: 'organization', org: 'octo-org' }
const log = { info() {}, debug() {}, warning() {} }
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }
const good = (id: number) => ({
  id,
  name: `r-${id}`,
  status: 'offline',
  busy: false,
  labels: [{ name: 'x' }]
})

/** The runners of the organization, as listRunners reads them from nock (filtered by `name`). */
async function list(name?: string) {
  const client = await createClient({
    token: 'ghp_listTest',
    apiUrl: API,
    retries: 0,
    timeoutS: 5,
    log
  })
  return listRunners(client, org, { apiUrl: API, timeoutS: 5, name })
}

function page(body: unknown, link?: string, status = 200) {
  return nock(API)
    .get(PATH)
    .query(true)
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), {
      ...JSON_TYPE,
      ...(link ? { link } : {})
    })
}

useNock()

it('reads every page a next link points to, on the same origin', async () => {
  page(
    { total_count: 150, runners: [good(1)] },
    `<${API}${PATH}?per_page=100&page=2>; rel="next", <${API}${PATH}?page=2>; rel="last"`
  )
  page({ total_count: 150, runners: [good(2), { ...good(3), labels: undefined, busy: undefined }] })
  await expect(list()).resolves.toEqual({
    runners: [
      { id: 1, name: 'r-1', status: 'offline', busy: false, labels: ['x'] },
      { id: 2, name: 'r-2', status: 'offline', busy: false, labels: ['x'] },
      { id: 3, name: 'r-3', status: 'offline', busy: false, labels: [] }
    ],
    pages: 2
  })
})

it('asks GitHub to filter by one name', async () => {
  nock(API)
    .get(PATH)
    .query({ per_page: '100', name: 'r-1' })
    .reply(200, { total_count: 1, runners: [good(1)] }, JSON_TYPE)
  const listing = await list('r-1')
  expect(listing.runners.map((r) => r.id)).toEqual([1])
})

describe('refuses a page that is not a list of runners, naming the page', () => {
  it.each([
    ['an empty body', ''],
    ['null', 'null'],
    ['false', 'false'],
    ['no runners list', { total_count: 1, runners: { id: 1 } }],
    ['no total_count', { runners: [] }],
    ['a negative total_count', { total_count: -1, runners: [] }],
    ['a fractional total_count', { total_count: 1.5, runners: [] }]
  ])('%s', async (_, body) => {
    page(body)
    await expect(list()).rejects.toThrow(
      /page 1 of the runner list \(GET \/orgs\/octo-org\/actions\/runners\)/
    )
  })

  it('an HTML page: something other than GitHub answered, and the body is never echoed', async () => {
    nock(API)
      .get(PATH)
      .query(true)
      .reply(200, '<html>secret page</html>', { 'content-type': 'text/html' })
    const error = await list().catch((e: Error) => e)
    expect(String(error)).toContain(
      "Something other than GitHub's REST API answered 200 with text/html"
    )
    expect(String(error)).not.toContain('secret page')
  })

  it('a 2xx other than 200', async () => {
    page({ total_count: 0, runners: [] }, undefined, 203)
    await expect(list()).rejects.toThrow('is a 203, not the 200 GitHub documents')
  })
})

describe('refuses a runner that is not well-formed', () => {
  it.each([
    ['not an object', null, '(item 1) that is not an object'],
    ['a fractional id', { ...good(1), id: 1.5 }, "whose 'id' is not a positive whole number"],
    ['a negative id', { ...good(1), id: -1 }, "whose 'id' is not a positive whole number"],
    ['a string id', { ...good(1), id: '1' }, "whose 'id' is not a positive whole number"],
    ['an unsafe id', '9007199254740993', "whose 'id' is not a positive whole number"],
    ['an infinite id', '1e400', "whose 'id' is not a positive whole number"],
    [
      'an empty name',
      { ...good(1), name: '' },
      "whose 'name' is not 1 to 256 printable characters"
    ],
    ['a name with a line break', { ...good(1), name: 'a\n::warning::b' }, "whose 'name' is not"],
    ['a long name', { ...good(1), name: 'n'.repeat(257) }, "whose 'name' is not"],
    [
      'an odd status',
      { ...good(1), status: 'online\n::x' },
      "whose 'status' is not a status GitHub sends"
    ],
    ['a string busy', { ...good(1), busy: 'yes' }, "whose 'busy' is not true or false"],
    [
      'labels not a list',
      { ...good(1), labels: 'x' },
      "whose 'labels' are not a list of named labels"
    ],
    ['a label without a name', { ...good(1), labels: [{}] }, "whose 'labels' are not"],
    ['a label that is a string', { ...good(1), labels: ['x'] }, "whose 'labels' are not"],
    [
      'a label with a control character',
      { ...good(1), labels: [{ name: 'a\u0007' }] },
      "whose 'labels' are not"
    ]
  ])('%s', async (_, runner, words) => {
    const runners =
      typeof runner === 'string'
        ? `[{"id":${runner},"name":"a","status":"offline"}]`
        : JSON.stringify([runner])
    page(`{"total_count":1,"runners":${runners}}`)
    const error = await list().catch((e: Error) => e)
    expect(String(error)).toContain(words)
    expect(String(error)).not.toContain('::warning::')
  })
})

describe.each(UNSAFE_CHARACTERS)('refuses a runner list with %s', (_, character) => {
  it.each([
    ['in a name', { ...good(1), name: `a${character}b` }, "(id 1) whose 'name' is not"],
    ['in a label', { ...good(1), labels: [{ name: `a${character}b` }] }, "whose 'labels' are not"]
  ])('%s', async (__, runner, words) => {
    page({ total_count: 1, runners: [runner] })
    await expect(list()).rejects.toThrow(words)
  })
})

describe('next-page links', () => {
  it.each([
    [
      'to another origin',
      'https://elsewhere.test/x?page=2',
      "pointed to https://elsewhere.test, outside 'api-url' (https://api.github.test); nothing was sent there"
    ],
    ['to a data: URL', 'data:x', "pointed to a data: URL, outside 'api-url'"],
    ['to another path', `${API}/user?page=2`, 'has a next-page link to another path than the list'],
    ['that is not a URL', 'http://[::1', 'has a next-page link that is not a URL']
  ])('%s fails naming the page, and sends nothing there', async (_, link, words) => {
    page({ total_count: 150, runners: [good(1)] }, `<${link}>; rel="next"`)
    const error = await list().catch((e: Error) => e)
    expect(String(error)).toContain("GitHub's answer to page 1 of the runner list")
    expect(String(error)).toContain(words)
    expect(nock.pendingMocks()).toEqual([])
  })

  it('takes only the paging parameters, and never lets a link change the scope in the path', async () => {
    page(
      { total_count: 150, runners: [good(1)] },
      `<${API}${PATH}?page=2&org=evil&baseUrl=https://x.test&per_page=100>; rel="next"`
    )
    nock(API)
      .get(PATH)
      .query({ page: '2', per_page: '100' })
      .reply(200, { total_count: 150, runners: [good(2)] }, JSON_TYPE)
    await expect(list()).resolves.toMatchObject({ pages: 2 })
  })

  it('a 409 on page 2 fails the listing instead of ending it, naming the page', async () => {
    page({ total_count: 150, runners: [good(1)] }, `<${API}${PATH}?page=2>; rel="next"`)
    nock(API)
      .get(PATH)
      .query({ per_page: '100', page: '2' })
      .reply(409, { message: 'Conflict' }, JSON_TYPE)
    const error = await list().catch((e: Error) => e)
    expect(String(error)).toMatch(
      /^RequestFailedError: Reading page 2 of the runner list \(GET \/orgs\/octo-org\/actions\/runners\) failed, so no runner was deleted\. GET/
    )
    expect(String(error)).toContain('GitHub answered 409: "Conflict"')
  })
})

describe('a list that shifts while it is read', () => {
  it('counts a runner listed on two pages once', async () => {
    page({ total_count: 150, runners: [good(1), good(2)] }, `<${API}${PATH}?page=2>; rel="next"`)
    nock(API)
      .get(PATH)
      .query({ per_page: '100', page: '2' })
      .reply(200, { total_count: 150, runners: [good(2), good(3)] }, JSON_TYPE)
    await expect(list()).resolves.toMatchObject({ runners: [{ id: 1 }, { id: 2 }, { id: 3 }] })
  })

  it('refuses a runner listed twice with other fields', async () => {
    page({ total_count: 150, runners: [good(1), good(2)] }, `<${API}${PATH}?page=2>; rel="next"`)
    nock(API)
      .get(PATH)
      .query({ per_page: '100', page: '2' })
      .reply(200, { total_count: 150, runners: [{ ...good(2), name: 'other' }] }, JSON_TYPE)
    await expect(list()).rejects.toThrow(
      'page 2 of the runner list (GET /orgs/octo-org/actions/runners) lists runner id 2 again, with other fields than before'
    )
  })
})

describe('bounded paging', () => {
  it('a page with more runners than the 100 asked for fails, naming the page', async () => {
    const runners = Array.from({ length: PER_PAGE + 1 }, (_, i) => good(i + 1))
    page({ total_count: PER_PAGE + 1, runners })
    await expect(list()).rejects.toThrow(
      `page 1 of the runner list (GET /orgs/octo-org/actions/runners) lists ${PER_PAGE + 1} runners, more than the ${PER_PAGE} a page was asked for`
    )
  })

  it('a next link cannot raise per_page', async () => {
    page(
      { total_count: 150, runners: [good(1)] },
      `<${API}${PATH}?page=2&per_page=100000>; rel="next"`
    )
    nock(API)
      .get(PATH)
      .query({ per_page: '100', page: '2' })
      .reply(200, { total_count: 150, runners: [good(2)] }, JSON_TYPE)
    await expect(list()).resolves.toMatchObject({ pages: 2 })
  })

  it('a list that grows past total_count plus 100 fails, naming the page', async () => {
    const of = (from: number) => Array.from({ length: PER_PAGE }, (_, i) => good(from + i))
    page({ total_count: 50, runners: of(1) }, `<${API}${PATH}?page=2>; rel="next"`)
    nock(API)
      .get(PATH)
      .query({ per_page: '100', page: '2' })
      .reply(200, { total_count: 50, runners: of(101) }, JSON_TYPE)
    await expect(list()).rejects.toThrow(
      'page 2 of the runner list (GET /orgs/octo-org/actions/runners) brings the list to more than the 50 runners its total_count said, plus 100 for runners added while it was read'
    )
  })

  it('a next link back to a page already read fails', async () => {
    const self = `<${API}${PATH}?per_page=100>; rel="next"`
    nock(API)
      .get(PATH)
      .query(true)
      .times(5)
      .reply(200, { total_count: 500, runners: [] }, { ...JSON_TYPE, link: self })
    await expect(list()).rejects.toThrow('links to a page already read as the next one')
  })

  it('more pages than total_count allows fail', async () => {
    let n = 0
    nock(API)
      .get(PATH)
      .query(true)
      .times(10)
      .reply(() => [
        200,
        { total_count: 1, runners: [] },
        { ...JSON_TYPE, link: `<${API}${PATH}?page=${++n + 1}>; rel="next"` }
      ])
    await expect(list()).rejects.toThrow(
      'links to more pages than its total_count of 1 runners allows (2 of 100'
    )
    expect(n).toBe(2)
  })

  it(`never reads more than ${MAX_PAGES} pages`, async () => {
    let n = 0
    nock(API)
      .get(PATH)
      .query(true)
      .times(MAX_PAGES + 5)
      .reply(() => [
        200,
        { total_count: 1_000_000, runners: [] },
        { ...JSON_TYPE, link: `<${API}${PATH}?page=${++n + 1}>; rel="next"` }
      ])
    await expect(list()).rejects.toThrow(`at most ${MAX_PAGES})`)
    expect(n).toBe(MAX_PAGES)
  })
})

it('reads the next link of a Link header, wherever it is', () => {
  expect(nextLink('<a>; rel="prev", <b>; rel="next"')).toBe('b')
  expect(nextLink('<c>; rel=next')).toBe('c')
  expect(nextLink('<a>; rel="last"')).toBeUndefined()
  expect(nextLink(undefined)).toBeUndefined()
})

describe('runner groups', () => {
  const GROUPS = '/orgs/octo-org/actions/runner-groups'
  const group = (id: number, name: string) => ({ id, name, visibility: 'all', default: id === 1 })
  const find = async (name: string) =>
    findRunnerGroup(
      await createClient({ token: 'ghp_listTest', apiUrl: API, retries: 0, timeoutS: 5, log }),
      org,
      name,
      { apiUrl: API, timeoutS: 5 }
    )

  it('finds a group by its exact name', async () => {
    nock(API)
      .get(GROUPS)
      .query({ per_page: '100' })
      .reply(
        200,
        { total_count: 2, runner_groups: [group(1, 'Default'), group(7, 'gpu')] },
        JSON_TYPE
      )
    await expect(find('gpu')).resolves.toEqual({ id: 7, name: 'gpu' })
  })

  it('names the groups there are when none has the name, the first 10 and a count', async () => {
    const groups = Array.from({ length: 12 }, (_, i) => group(i + 1, `g${i + 1}`))
    nock(API)
      .get(GROUPS)
      .query(true)
      .reply(200, { total_count: 12, runner_groups: groups }, JSON_TYPE)
    await expect(find('G1')).rejects.toThrow(
      'No runner group of organization octo-org is named "G1" (12 listed: "g1", "g2", "g3", "g4", ' +
        '"g5", "g6", "g7", "g8", "g9", "g10", and 2 more), so no runner was deleted.'
    )
  })

  it.each([
    [[7], 'lists a runner group (item 1) that is not an object'],
    [
      [{ id: 0, name: 'x' }],
      "lists a runner group (item 1) whose 'id' is not a positive whole number"
    ],
    [
      [{ id: 1, name: 'a\u200bb' }],
      "lists a runner group (item 1) (id 1) whose 'name' is not 1 to 256"
    ],
    [{}, "has no 'runner_groups' list"]
  ])('refuses a group list holding %j', async (groups, words) => {
    nock(API)
      .get(GROUPS)
      .query(true)
      .reply(
        200,
        Array.isArray(groups) ? { total_count: 1, runner_groups: groups } : { total_count: 1 },
        JSON_TYPE
      )
    await expect(find('x')).rejects.toThrow(
      `GitHub's answer to page 1 of the runner group list (GET ${GROUPS}) ${words}`
    )
  })

  it("lists a group's runners through the group's own list, with no name filter", async () => {
    nock(API)
      .get(`${GROUPS}/7/runners`)
      .query({ per_page: '100' })
      .reply(200, { total_count: 1, runners: [good(1)] }, JSON_TYPE)
    const client = await createClient({
      token: 'ghp_listTest',
      apiUrl: API,
      retries: 0,
      timeoutS: 5,
      log
    })
    await expect(
      listRunners(client, org, { apiUrl: API, timeoutS: 5, name: 'spot-1', groupId: 7 })
    ).resolves.toMatchObject({ runners: [{ id: 1 }], pages: 1 })
  })
})
