// The peer of delete-runner: what a user would write instead, as a github-script step would run
// it: list the organization's runners, find the offline one by name, delete it (see
// remove-token.js).
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'

try {
  const octokit = getOctokit(core.getInput('token', { required: true }), {
    baseUrl: core.getInput('api-url')
  })
  const org = core.getInput('org', { required: true })
  const name = core.getInput('runner-name', { required: true })
  const { data } = await octokit.request('GET /orgs/{org}/actions/runners', {
    org,
    name,
    per_page: 100
  })
  const runner = data.runners.find((listed) => listed.name === name)
  if (!runner) throw new Error(`No runner named '${name}'`)
  if (runner.status !== 'offline') throw new Error(`Runner '${name}' is ${runner.status}`)
  await octokit.request('DELETE /orgs/{org}/actions/runners/{runner_id}', {
    org,
    runner_id: runner.id
  })
  core.setOutput('deleted', 'true')
  core.setOutput('deleted-count', '1')
} catch (error) {
  core.setFailed(error instanceof Error ? error.message : String(error))
}
