import { setTimeout as wait } from 'node:timers/promises'
import { quoted, safeText } from '../step/text.js'
import type { GitHubClient } from '../github/client.js'
import { failureExplainer, RequestFailedError } from '../github/failure.js'
import { isHttpError, type HttpError } from '../github/http-error.js'
import { RequestFailure } from '../github/retry.js'
import { deleteRunnerRoute, describeTarget, type Target } from '../github/target.js'
import type { Runner } from './list.js'

export interface RemoveOptions {
  apiUrl: string
  busyTimeoutS: number
  timeoutS: number
  log: (line: string) => void
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** While a runner is busy, the waits between attempts: 1, 2, 4, 8, then 15 s. */
const BUSY_WAIT_CAP_MS = 15_000

/**
 * `deleted`, or `gone`: GitHub no longer knows the runner (404), because something else deleted
 * it after it was listed (another teardown, or the runner itself when it is ephemeral).
 */
export type Removal = 'deleted' | 'gone'

/** GitHub's words for a runner that cannot be deleted because it is running a job. */
const BUSY = /running a job|\bbusy\b/i

/**
 * `DELETE .../actions/runners/{runner_id}`. GitHub answers 422 while the runner is running a job;
 * that is tried again until `busyTimeoutS` has passed (the retry policy never retries a 422:
 * only this step knows that one means "busy").
 */
export async function removeRunner(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  runner: Runner,
  options: RemoveOptions
): Promise<Removal> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? wait
  const route = deleteRunnerRoute(target, runner.id)
  const explain = failureExplainer(target, options.apiUrl, route, options.timeoutS, now)
  const deadline = now() + options.busyTimeoutS * 1000
  for (let busyAttempt = 1; ; busyAttempt++) {
    try {
      await client.request(route.route, route.params)
      return 'deleted'
    } catch (error) {
      const failure = error instanceof RequestFailure ? error : new RequestFailure(error, 1, 0)
      const answer = failure.last
      if (isHttpError(answer) && answer.status === 404) {
        // After an attempt whose answer was lost (retried), the deletion was that attempt's.
        return failure.attempts > 1 ? 'deleted' : 'gone'
      }
      if (!isHttpError(answer) || answer.status !== 422 || !isBusy(answer, runner)) {
        throw explain(error)
      }
      const left = deadline - now()
      if (left <= 0) throw stillBusy(runner, target, options.busyTimeoutS, answer)
      const waitMs = Math.min(left, BUSY_WAIT_CAP_MS, 1000 * 2 ** (busyAttempt - 1))
      options.log(
        `Runner '${safeText(runner.name, 80)}' is running a job (GitHub answered 422); trying again in ` +
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

function stillBusy(
  runner: Runner,
  target: Target,
  busyTimeoutS: number,
  error: HttpError
): RequestFailedError {
  const data = error.response.data as { message?: unknown } | undefined
  const said = typeof data?.message === 'string' ? `: ${quoted(data.message)}` : ''
  const requestId = error.response.headers['x-github-request-id']
  return new RequestFailedError(
    `Runner '${safeText(runner.name, 80)}' (id ${runner.id}) of ${describeTarget(target)} is still running a ` +
      `job${busyTimeoutS > 0 ? ` after ${busyTimeoutS} s` : ''}: GitHub answered 422${said}` +
      `${requestId ? ` (request ID ${requestId})` : ''}. Wait for the job to finish or cancel it, ` +
      "or set 'busy-timeout' to the seconds this step may wait for it."
  )
}
