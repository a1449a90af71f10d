#!/bin/bash
# Fake of the runner's svc.sh: on Linux systemd.svc.sh.template (root only; KillMode=process, so
# stopping kills a running job's worker group only), on macOS darwin.svc.sh.template (a launch
# agent; refuses root; launchd ends the agent's process group: every job process still in it).
printf '%s\0' "$(($# + 1))" svc.sh "$@" >> __WORLD__/argv.log
PATH=/usr/bin:/bin # the fake's own commands stay out of the log
SVC_NAME=actions.runner.octo-org.__RUNNER__
failed() {
  echo "Failed: $1" >&2
  exit 1
}
if [ "$(cat __HOST__/.fake/os)" = Darwin ]; then
  macos=1 UNIT=__HOST__/Library/LaunchAgents/$SVC_NAME.plist
  if [ "${FAKE_ROOT:-}" = 1 ]; then echo "Must not run with sudo"; exit 1; fi
  [ -f ./bin/actions.runner.plist.template ] || failed "Must run from runner root or install is corrupt"
  cannot_stop="failed to unload $UNIT"
else
  macos= SVC_NAME=$SVC_NAME.service
  UNIT=__HOST__/.fake/systemd/$SVC_NAME cannot_stop="failed to stop $SVC_NAME"
  if [ "${FAKE_ROOT:-}" != 1 ]; then echo "Must run as sudo"; exit 1; fi
  [ -f ./bin/actions.runner.service.template ] || failed "Must run from runner root or install is corrupt"
fi
stop() {
  if [ -n "$macos" ]; then echo "stopping $SVC_NAME"; fi
  [ -f "$UNIT" ] || failed "$cannot_stop"
  rm -f __HOST__/.fake/listener-running
  while read -r worker; do
    if [ -n "$macos" ] || kill -0 "$worker" 2> /dev/null; then kill -TERM -- "-$worker" 2> /dev/null; fi
  done < <(cat __HOST__/.fake/job-workers 2> /dev/null)
  if [ -z "$macos" ]; then echo "Stopped $SVC_NAME"; fi
}
uninstall() {
  if [ -n "$macos" ]; then echo "uninstalling $SVC_NAME"; fi
  if [ -f "$UNIT" ] || [ -n "$macos" ]; then
    stop
    rm "$UNIT" || failed "failed to delete $UNIT"
  else
    echo "Service $SVC_NAME is not installed"
  fi
  rm -f .service
}
case $1 in
  uninstall) uninstall ;;
  *) echo "fake svc.sh: '$1' is not modelled" >&2; exit 2 ;;
esac
