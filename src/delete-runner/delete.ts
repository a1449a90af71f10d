/**
 * Deleting the chosen runners of a fleet: one at a time, each DELETE at least a second after the
 * previous one ended (GitHub's guidance for mutating requests); a runner that cannot be deleted
 * does not stop the others, but a rate limit GitHub did not let this step wait out stops them
 * all: sending more would only be refused too, and GitHub may block integrations that keep on.
 */
import { setTimeout as wait } from 'node:timers/promises'
import type { Log } from '../step/log.js'
import { safeText } from '../step/text.js'
import type { GitHubClient } from '../github/client.js'
import { RequestFailedError } from '../github/failure.js'
import type { Target } from '../github/target.js'
import { describeRunner } from './choose.js'
import { removeRunner } from './delete-one.js'
import type { Runner } from './list.js'

export const DELETE_SPACING_MS = 1000

/**
 * What happened to one chosen runner: deleted, or not and why; `failed` when that fails the step
 * (its deletion failed, with the failure, or was not tried), not when nothing was to be done.
 */
export type Outcome =
  | { runner: Runner; deleted: true; failed?: undefined; reason?: undefined; error?: undefined }
  | { runner: Runner; deleted: false; failed: boolean; reason: string; error?: unknown }

export interface DeleteOptions {
  target: Target
  where: string
  apiUrl: string
  timeoutS: number
  busyTimeoutS: number
  missingOk: boolean
  log: Log
  /** Monotonic ms, and a sleep: injected by tests. */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export async function deleteRunners(
  client: Pick<GitHubClient, 'request'>,
  runners: Runner[],
  options: DeleteOptions
): Promise<Outcome[]> {
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? wait
  const { where, log } = options
  const outcomes: Outcome[] = []
  let lastEnded = -Infinity
  for (const [index, runner] of runners.entries()) {
    await sleep(Math.max(0, lastEnded + DELETE_SPACING_MS - now()))
    try {
      const removal = await removeRunner(client, options.target, runner, {
        apiUrl: options.apiUrl,
        timeoutS: options.timeoutS,
        busyTimeoutS: options.busyTimeoutS,
        log: log.info,
        sleep
      })
      if (removal === 'gone') {
        const gone =
          `Runner ${describeRunner(runner)} of ${where} was deleted by something else after it ` +
          'was listed (another teardown, or the runner itself if it is ephemeral).'
        if (!options.missingOk) throw new Error(`${gone} Set 'missing-ok: true' to accept that.`)
        log.info(`${gone} Nothing left to delete ('missing-ok' is true).`)
        outcomes.push({
          runner,
          deleted: false,
          failed: false,
          reason: 'already deleted by something else'
        })
      } else {
        outcomes.push({ runner, deleted: true })
        const count = outcomes.filter((outcome) => outcome.deleted).length
        log.info(
          runners.length === 1
            ? `Deleted runner ${describeRunner(runner)} from ${where}`
            : `Deleted ${count} of ${runners.length}: ${safeText(runner.name, 80)} (id ${runner.id})`
        )
      }
    } catch (error) {
      outcomes.push({ runner, deleted: false, failed: true, reason: 'the deletion failed', error })
      if (error instanceof RequestFailedError && error.rateLimited) {
        const left = runners.slice(index + 1)
        if (left.length > 0) {
          log.warning(
            `GitHub's rate limit refused a deletion: the ${left.length} runners left are not ` +
              'tried, since GitHub would refuse them too. Run the step again later.'
          )
        }
        for (const rest of left) {
          outcomes.push({
            runner: rest,
            deleted: false,
            failed: true,
            reason: 'not tried: rate limited'
          })
        }
        return outcomes
      }
    } finally {
      lastEnded = now()
    }
  }
  return outcomes
}
