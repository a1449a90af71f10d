#!/bin/bash
# Stands in for Runner.Worker: runs one step's script as the runner does, records its exit
# code (renamed into place, so that it is never read half-written), and stays alive (the
# step's parent process) until the job ends.
record() {
  echo "$1" > "$step.rc.part"
  /bin/mv "$step.rc.part" "$step.rc"
}
step=$1
# Cancelled (svc.sh stop ends the listener, which cancels its job): exit code 143.
trap 'record 143; exit 143' TERM
/bin/bash --noprofile --norc -e -o pipefail "$step"
record $?
# What the stand-in does from here (waiting) is none of the job's processes.
unset RUNNER_TRACKING_ID
while [ ! -e "$2" ]; do /bin/sleep 0.05; done
