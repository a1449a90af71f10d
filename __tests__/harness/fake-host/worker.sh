#!/bin/bash
# Stands in for Runner.Worker: runs one step's script as the runner does, writes its exit code to
# fd 3 (which the step never holds), and stays alive (the step's parent process) until the job ends.
# Cancelled (svc.sh stop ends the listener, which cancels its job): exit code 143.
trap 'echo 143 >&3 2> /dev/null; exit 143' TERM
/bin/bash --noprofile --norc -e -o pipefail "$1" 3>&-
echo $? >&3
exec 3>&-
# What the stand-in does from here (waiting) is none of the job's processes.
unset RUNNER_TRACKING_ID
while [ ! -e "$2" ]; do /bin/sleep 0.05; done
