// Preloaded (NODE_OPTIONS=--require) into an action that must send no request: every connection
// it opens (TCP, TLS, or a pipe: fetch, undici and node:http all open one) is written to the
// file NETWORK_PROBE_FILE names.
const { appendFileSync, writeFileSync } = require('node:fs')
const net = require('node:net')

writeFileSync(process.env.NETWORK_PROBE_FILE, '')
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  appendFileSync(process.env.NETWORK_PROBE_FILE, `${JSON.stringify(args[0])}\n`)
  return connect.apply(this, args)
}
