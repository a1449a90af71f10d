import { run } from '../actions/unseal-token.js'

await run()
