#!/usr/bin/env bash
# CI must run exactly what the README tells users to run: .ci/run holds the README's two
# commands (install-build-run, and the tests) verbatim.
set -u
readme=README.md
ci=.ci/run
# The first two ```sh blocks of the README are the two commands.
mapfile -t commands < <(awk '/^```sh$/{inside=1; next} /^```$/{inside=0} inside' "$readme" | head -2)
failures=0
for command in "${commands[@]}"; do
  if grep -qxF -- "$command" "$ci"; then
    echo "ok: .ci/run runs: $command"
  else
    echo "FAIL: .ci/run does not run the README command: $command"
    failures=$((failures + 1))
  fi
done
[ "${#commands[@]}" = 2 ] || { echo "FAIL: expected two commands in the README"; failures=$((failures + 1)); }
echo "$((2 - failures)) passed, $failures failed"
[ "$failures" = 0 ]
