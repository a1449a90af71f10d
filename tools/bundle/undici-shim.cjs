'use strict'
// Stands in for the npm package undici inside dist/: the action's bundle leaves undici out
// (`ncc --external undici`), and @actions/http-client and @actions/github import it from here
// (index.mjs for ES modules, this file for CommonJS).
// Only @actions/github's default proxy agent uses it (this action sends over node:http/https), so
// it is loaded, from ./bundled, on first use: a run with no proxy never pays its start-up (about
// 30 ms, docs/benchmarks.md).
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
