// Preloaded (NODE_OPTIONS=--require) into the action under test: at exit, lists the CommonJS
// files it loaded into the file LOADED_MODULES_FILE names.
const { writeFileSync } = require('node:fs')
process.on('exit', () =>
  writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\n'))
)
