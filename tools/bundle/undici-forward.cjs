// delete-runner's undici stand-in loads the one bundled undici of the main action's dist/.
module.exports = require('../../../../../dist/node_modules/undici/bundled/index.js')
