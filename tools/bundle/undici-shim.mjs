// The ES-module face of the stand-in for undici (see index.cjs beside it): the names that
// @actions/http-client and @actions/github import, each loading undici on first use.
// An import of any other name fails when the action starts, so the end-to-end tests catch it.
import undici from './index.cjs'

export const fetch = (...args) => undici.fetch(...args)

// A class whose constructor returns the real ProxyAgent, so `new ProxyAgent(...)` works as in undici.
// eslint-disable-next-line @typescript-eslint/no-extraneous-class
export class ProxyAgent {
  constructor(...args) {
    return new undici.ProxyAgent(...args)
  }
}
