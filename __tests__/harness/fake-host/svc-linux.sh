#!/bin/bash
# Fake of svc.sh for systemd (actions/runner src/Misc/layoutbin/systemd.svc.sh.template).
printf '%s\0' "$(($# + 1))" svc.sh "$@" >> __WORLD__/argv.log
PATH=/usr/bin:/bin # the fake's own commands stay out of the log
SVC_NAME=actions.runner.octo-org.__RUNNER__.service
UNIT_PATH=__HOST__/.fake/systemd/$SVC_NAME
failed() {
  echo "Failed: $1" >&2
  exit 1
}
if [ "${FAKE_ROOT:-}" != 1 ]; then
  echo "Must run as sudo"
  exit 1
fi
[ -f ./bin/actions.runner.service.template ] || failed "Must run from runner root or install is corrupt"
stop() {
  [ -f "$UNIT_PATH" ] || failed "failed to stop $SVC_NAME"
  rm -f __HOST__/.fake/listener-running
  # The listener stops, and cancels the job it is running: that job's steps are killed.
  while read -r worker; do
    if kill -0 "$worker" 2> /dev/null; then kill -TERM -- "-$worker"; fi
  done < <(cat __HOST__/.fake/job-workers 2> /dev/null)
  echo "Stopped $SVC_NAME"
}
uninstall() {
  if [ -f "$UNIT_PATH" ]; then
    stop
    rm "$UNIT_PATH" || failed "failed to delete $UNIT_PATH"
  else
    echo "Service $SVC_NAME is not installed"
  fi
  rm -f .service
}
case $1 in
  stop) stop ;;
  uninstall) uninstall ;;
  *) echo "fake svc.sh: '$1' is not modelled" >&2; exit 2 ;;
esac
exit 0
