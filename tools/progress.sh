#!/usr/bin/env bash
# Runs one step of `make run` and says what it is doing: its name and usual time first, a
# line every minute while it runs (so a first run, which compiles for half an hour, is not
# taken for a hang), and the time it took.
#   tools/progress.sh "what (usual time)" command [args...]
set -uo pipefail
what=$1; shift
name=${what%% (*}
start=$(date +%s)
printf '\033[1m==> %s\033[0m\n' "$what"
ticker() {
  trap 'kill "$nap" 2> /dev/null; exit 0' TERM
  while :; do
    sleep 60 & nap=$!
    wait "$nap"
    printf '\033[2m    … %s: %d min so far\033[0m\n' "$name" $(( ($(date +%s) - start) / 60 ))
  done
}
ticker &
ticking=$!
"$@"
status=$?
kill "$ticking" 2> /dev/null
wait "$ticking" 2> /dev/null
elapsed=$(( $(date +%s) - start ))
if [ "$status" -eq 0 ]; then
  printf '\033[1m==> done in %dm%02ds: %s\033[0m\n' $((elapsed / 60)) $((elapsed % 60)) "$name"
else
  printf '\033[1;31m==> failed after %dm%02ds: %s\033[0m\n' $((elapsed / 60)) $((elapsed % 60)) "$name"
fi
exit "$status"
