// Tests never reach a real network or proxy, and start from no runner state of the machine's own.
const UNSET =
  'HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy RUNNER_DEBUG GITHUB_OUTPUT ' +
  'GITHUB_STEP_SUMMARY GITHUB_REPOSITORY GITHUB_API_URL ACTIONS_ORCHESTRATION_ID'
for (const name of UNSET.split(' ')) Reflect.deleteProperty(process.env, name)
