// Preloaded (NODE_OPTIONS=--import) into an action under test: lists every ES module file it
// loads (the bundle, and any chunk it imports later) into the file ESM_PROBE_FILE names.
import { appendFileSync, writeFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

writeFileSync(process.env.ESM_PROBE_FILE, '')
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) appendFileSync(process.env.ESM_PROBE_FILE, `${url}\n`)
    return nextLoad(url, context)
  }
})
