#!/bin/bash
# Fake of svc.sh for launchd (actions/runner src/Misc/layoutbin/darwin.svc.sh.template).
printf '%s\0' "$(($# + 1))" svc.sh "$@" >> __WORLD__/argv.log
PATH=/usr/bin:/bin # the fake's own commands stay out of the log
SVC_NAME=actions.runner.octo-org.__RUNNER__
PLIST_PATH=__HOST__/Library/LaunchAgents/$SVC_NAME.plist
failed() {
  echo "Failed: $1" >&2
  exit 1
}
if [ "${FAKE_ROOT:-}" = 1 ]; then
  echo "Must not run with sudo"
  exit 1
fi
[ -f ./bin/actions.runner.plist.template ] || failed "Must run from runner root or install is corrupt"
stop() {
  echo "stopping $SVC_NAME"
  [ -f "$PLIST_PATH" ] || failed "failed to unload $PLIST_PATH"
  rm -f __HOST__/.fake/listener-running
  # launchd ends the agent's process group: every process of the service's jobs still in it.
  while read -r group; do
    kill -TERM -- "-$group" 2> /dev/null
  done < <(cat __HOST__/.fake/job-workers 2> /dev/null)
}
uninstall() {
  echo "uninstalling $SVC_NAME"
  stop
  rm "$PLIST_PATH" || failed "failed to delete $PLIST_PATH"
  rm -f .service
}
case $1 in
  stop) stop ;;
  uninstall) uninstall ;;
  *) echo "fake svc.sh: '$1' is not modelled" >&2; exit 2 ;;
esac
exit 0
