#!/bin/bash
# Fake of the runner's config.sh, `remove` only, as actions/runner 2.336 behaves (see README.md).
# The outcome goes to __WORLD__/config.log: how the token came (flag, env or none), never
# the token itself.
printf '%s\0' "$(($# + 1))" config.sh "$@" >> __WORLD__/argv.log
PATH=/usr/bin:/bin # the fake's own commands stay out of the log
cd "$(dirname "$0")" || exit 1
github=__WORLD__/github
record() { echo "$*" >> __WORLD__/config.log; }
trim() { [[ $1 =~ ^[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]] && printf '%s' "${BASH_REMATCH[1]}"; }

if [ "${1,,}" != remove ]; then
  echo "fake config.sh: only 'remove' is modelled" >&2
  exit 2
fi
shift
flag_token= unattended= env_token=
while [ $# -gt 0 ]; do
  case ${1,,} in
    --token) flag_token=$2; shift ;;
    --unattended) unattended=1 ;;
    *) echo "Unrecognized command-line input arguments for command remove: '${1#--}'" ;;
  esac
  shift
done
for name in $(compgen -e); do
  case ${name^^} in
    ACTIONS_RUNNER_INPUT_TOKEN) env_token=$(trim "${!name}") ;;
    ACTIONS_RUNNER_INPUT_UNATTENDED) if [ "$(trim "${!name,,}")" = true ]; then unattended=1; fi ;;
  esac
done

echo "# Runner removal"
if [ -f .service ]; then
  printf 'Removing service\nFailed: Removing service\n'
  echo "Uninstall service first" >&2
  record "remove refused: service installed"
  exit 1
fi
if [ -f .runner ] && [ -f .credentials ]; then
  if [ -n "$flag_token" ]; then
    token=$flag_token source=flag
  elif [ -n "$env_token" ]; then
    token=$env_token source=env
  else
    if [ -n "$unattended" ]; then
      echo "Invalid configuration provided for token. Terminating unattended configuration." >&2
    else
      echo -n "Enter runner remove token: "
      echo "Cannot read keys when either application does not have a console or when console input has been redirected." >&2
    fi
    record "remove failed: no token"
    exit 1
  fi
  runner_id=$(sed -n 's/.*"agentId": *\([0-9]*\).*/\1/p' .runner)
  if ! printf '%s\n' "$token" | grep -qxFf - "$github/remove-tokens"; then
    echo "Http response code: NotFound from 'POST https://api.github.com/actions/runner-registration'" >&2
    record "remove failed: token rejected (by $source)"
    exit 1
  fi
  grep -v "^$runner_id " "$github/runners" > "$github/runners.next" || true
  mv "$github/runners.next" "$github/runners"
  echo "√ Runner removed successfully"
  record "remove: runner $runner_id deregistered (token by $source)"
else
  echo "Cannot connect to server, because config files are missing. Skipping removing runner from the server."
  record "remove: nothing configured"
fi
rm -f .runner .credentials .credentials_rsaparams
printf '√ Removed .credentials\n√ Removed .runner\n'
