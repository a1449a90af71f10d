import type * as core from '@actions/core'
import { targetName, type Target } from '../github/target.js'

/** The job summary: what was minted for whom, and until when. Never the token. */
export async function writeSummary(
  summary: typeof core.summary,
  target: Target,
  apiUrl: string,
  expiresAt: string,
  sealed: boolean
): Promise<void> {
  summary
    .addHeading('Runner remove token minted', 3)
    .addTable([
      [
        { data: 'Scope', header: true },
        { data: 'Target', header: true },
        { data: 'API', header: true },
        { data: 'Expires at', header: true }
      ],
      [target.scope, targetName(target), apiUrl, expiresAt]
    ])
    .addRaw(
      "The token is in this step's <code>token</code> output, masked; it lasts one hour.",
      true
    )
  if (sealed) {
    summary.addRaw(
      'A sealed copy is in the <code>sealed-token</code> output, for a later job of this ' +
        'workflow run to open with <code>unseal-token</code>.',
      true
    )
  }
  await summary.write()
}
