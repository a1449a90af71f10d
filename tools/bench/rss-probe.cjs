// Preloaded with --require into every benchmarked process: at exit, writes the process's peak
// resident set size (KiB) to the file RSS_PROBE_FILE names.
const { writeFileSync } = require('node:fs')
process.on('exit', () => {
  writeFileSync(process.env.RSS_PROBE_FILE, String(process.resourceUsage().maxRSS))
})
