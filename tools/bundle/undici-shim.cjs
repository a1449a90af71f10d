'use strict'
// Stands in for the npm package undici inside dist/: the action's bundle leaves undici out
// (`ncc --external undici`), and @actions/http-client and @actions/github import it from here
// (index.mjs for ES modules, this file for CommonJS).
// They only use it to send through a proxy, so it is loaded, from ./bundled, on first use: a
// direct request never pays its start-up (see src/direct-fetch.ts and docs/benchmarks.md).
let undici
const load = () => (undici ??= require('./bundled/index.js'))

module.exports = new Proxy(
  {},
  {
    get: (_, name) => (name === '__esModule' ? undefined : load()[name]),
    has: (_, name) => name in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, name) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), name)
      return descriptor && { ...descriptor, configurable: true }
    }
  }
)
