import { run } from './actions/remove-token.js'

await run()
