import { getOctokit } from '@actions/github'
import { HttpClient } from '@actions/http-client'
import { fetch as undiciFetch } from 'undici'
import { USER_AGENT } from './version.js'

export type GitHubClient = ReturnType<typeof getOctokit>

export interface ClientOptions {
  token: string
  apiUrl: string
}

/** An Octokit for `apiUrl`, sending through the proxy the runner's environment names for it. */
export function createClient({ token, apiUrl }: ClientOptions): GitHubClient {
  return getOctokit(token, {
    baseUrl: apiUrl,
    userAgent: USER_AGENT,
    request: { fetch: proxyAwareFetch(apiUrl) }
  })
}

/**
 * `@actions/github` builds its proxy-aware fetch once, at import time, for GITHUB_API_URL; 'api-url'
 * may name another host with another HTTPS_PROXY/NO_PROXY answer, so build one for `apiUrl` with
 * the same proxy rules (`@actions/http-client`) and the same fetch (undici).
 */
export function proxyAwareFetch(apiUrl: string): typeof fetch {
  const dispatcher = new HttpClient().getAgentDispatcher(apiUrl)
  return ((url: string, init: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch
}
