/**
 * The one logger: every line this step prints goes through it, Octokit's own included, and is
 * redacted of every secret known when it is printed.
 */
import * as core from '@actions/core'
import { secrets } from './secrets.js'

export interface Log {
  info(line: string): void
  debug(line: string): void
  warning(line: string): void
}

export const log: Log = {
  info: (line) => core.info(secrets.redact(line)),
  debug: (line) => core.debug(secrets.redact(line)),
  warning: (line) => core.warning(secrets.redact(line))
}
