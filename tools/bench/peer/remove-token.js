// The peer of remove-token: what a user would write instead, as a github-script step would run it
// (@actions/core and @actions/github's Octokit, bundled by ncc as github-script is). `npm run
// bench` bundles it into a temp dir at the start of each run.
import * as core from '@actions/core'
import { context, getOctokit } from '@actions/github'

try {
  const octokit = getOctokit(core.getInput('token', { required: true }), {
    baseUrl: core.getInput('api-url')
  })
  const { data } = await octokit.request(
    'POST /repos/{owner}/{repo}/actions/runners/remove-token',
    context.repo
  )
  core.setSecret(data.token)
  core.setOutput('token', data.token)
  core.setOutput('expires_at', data.expires_at)
} catch (error) {
  core.setFailed(error instanceof Error ? error.message : String(error))
}
