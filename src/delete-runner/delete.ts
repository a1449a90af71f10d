/**
 * Deleting the chosen runners: one at a time, each DELETE at least a second after the previous one
 * ended (GitHub's guidance for mutating requests); a runner that cannot be deleted does not stop
 * the others, but a rate limit GitHub did not let this step wait out stops them all: sending more
 * would only be refused too, and GitHub may block integrations that keep on.
 */
import { setTimeout as wait } from 'node:timers/promises'
import type { Log } from '../step/log.js'
import { forLog, quotedForLog } from '../step/text.js'
import type { GitHubClient } from '../github/client.js'
import { explainFailure, RequestFailedError } from '../github/failure.js'
import { isHttpError, type HttpError } from '../github/http-error.js'
import { FailedAttempts } from '../github/retry.js'
import { deleteRunnerRoute, describeTarget, type Target } from '../github/target.js'
import { describeRunner } from './choose.js'
import type { Runner } from './list.js'

export const DELETE_SPACING_MS = 1000
/** While a runner is busy, the waits between attempts: 1, 2, 4, 8, then 15 s. */
const BUSY_WAIT_CAP_MS = 15_000
/** GitHub's words for a runner that cannot be deleted because it is running a job. */
const BUSY = /running a job|\bbusy\b/i

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
  /**
   * A runner still running a job after 'busy-timeout' fails the step (a runner named to be
   * deleted); otherwise (a selector's) it is left alone as busy, which is what should happen.
   */
  busyFails?: boolean
  log: Log
  /** Monotonic ms (for the pace and the busy wait), ms since the epoch, and a sleep: for tests. */
  monotonicNow?: () => number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

type Clocks = Required<Pick<DeleteOptions, 'monotonicNow' | 'now' | 'sleep'>>

/** Deletes every runner given, in order, and says what happened to each. */
export async function deleteAll(
  client: Pick<GitHubClient, 'request'>,
  runners: Runner[],
  options: DeleteOptions
): Promise<Outcome[]> {
  const clocks: Clocks = {
    monotonicNow: options.monotonicNow ?? (() => performance.now()),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? wait
  }
  const { where, log } = options
  const outcomes: Outcome[] = []
  let lastEnded = -Infinity
  for (const [index, runner] of runners.entries()) {
    await clocks.sleep(Math.max(0, lastEnded + DELETE_SPACING_MS - clocks.monotonicNow()))
    try {
      if ((await deleteOne(client, runner, options, clocks)) === 'gone') {
        const gone =
          `Runner ${describeRunner(runner)} of ${where} was deleted by something else after it ` +
          'was listed (another teardown, or the runner itself if it is ephemeral).'
        if (!options.missingOk) throw new Error(`${gone} Set 'missing-ok: true' to accept that.`)
        log.info(`${gone} Nothing left to delete ('missing-ok' is true).`)
        const reason = 'already deleted by something else'
        outcomes.push({ runner, deleted: false, failed: false, reason })
      } else {
        outcomes.push({ runner, deleted: true })
        const count = outcomes.filter((outcome) => outcome.deleted).length
        log.info(
          `Deleted ${count} of ${runners.length}: ${forLog(runner.name, 80)} (id ${runner.id})`
        )
      }
    } catch (error) {
      if (error instanceof StillBusy) {
        const failed = options.busyFails ?? true
        outcomes.push({ runner, deleted: false, failed, reason: 'busy', error })
        if (!failed) log.info(`${error.message} Left alone as busy.`)
        continue
      }
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
      lastEnded = clocks.monotonicNow()
    }
  }
  return outcomes
}

/**
 * `DELETE .../actions/runners/{runner_id}`: `deleted`, or `gone` when GitHub no longer knows the
 * runner (404) because something else deleted it after it was listed. GitHub answers 422 while
 * the runner is running a job; that is tried again until 'busy-timeout' has passed (the retry
 * policy never retries a 422: only this step knows that one means "busy").
 */
async function deleteOne(
  client: Pick<GitHubClient, 'request'>,
  runner: Runner,
  { target, apiUrl, timeoutS, busyTimeoutS, log }: DeleteOptions,
  { monotonicNow, now, sleep }: Clocks
): Promise<'deleted' | 'gone'> {
  const route = deleteRunnerRoute(target, runner.id)
  const deadline = monotonicNow() + busyTimeoutS * 1000
  for (let busyAttempt = 1; ; busyAttempt++) {
    try {
      await client.request(route.route, route.params)
      return 'deleted'
    } catch (error) {
      const failure = error instanceof FailedAttempts ? error : new FailedAttempts(error, 1, 0)
      const answer = failure.last
      if (isHttpError(answer) && answer.status === 404) {
        // After an attempt whose answer was lost (retried), the deletion was that attempt's.
        return failure.attempts > 1 ? 'deleted' : 'gone'
      }
      if (!isHttpError(answer) || answer.status !== 422 || !isBusy(answer, runner)) {
        throw explainFailure(error, { target, apiUrl, route, timeoutS, now: now() })
      }
      const left = deadline - monotonicNow()
      if (left <= 0) throw stillBusy(runner, target, busyTimeoutS, answer)
      const waitMs = Math.min(left, BUSY_WAIT_CAP_MS, 1000 * 2 ** (busyAttempt - 1))
      log.info(
        `Runner '${forLog(runner.name, 80)}' is running a job (GitHub answered 422); trying again in ` +
          `${(waitMs / 1000).toFixed(1)} s ('busy-timeout' ends in ${(left / 1000).toFixed(1)} s)`
      )
      await sleep(waitMs)
    }
  }
}

/** Octokit's error message holds GitHub's message. */
function isBusy(error: { message: string }, runner: Runner): boolean {
  return runner.busy || BUSY.test(error.message)
}

/** GitHub answered 422 "still running a job" until 'busy-timeout' ended. */
class StillBusy extends RequestFailedError {}

function stillBusy(
  runner: Runner,
  target: Target,
  busyTimeoutS: number,
  error: HttpError
): RequestFailedError {
  const data = error.response.data as { message?: unknown } | undefined
  const said = typeof data?.message === 'string' ? `: ${quotedForLog(data.message, 300)}` : ''
  const requestId = error.response.headers['x-github-request-id']
  return new StillBusy(
    `Runner '${forLog(runner.name, 80)}' (id ${runner.id}) of ${describeTarget(target)} is still running a ` +
      `job${busyTimeoutS > 0 ? ` after ${busyTimeoutS} s` : ''}: GitHub answered 422${said}` +
      `${requestId ? ` (request ID ${requestId})` : ''}. Wait for the job to finish or cancel it, ` +
      "or set 'busy-timeout' to the seconds this step may wait for it."
  )
}
