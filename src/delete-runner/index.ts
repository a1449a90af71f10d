import { run } from '../actions/delete-runner.js'

await run()
