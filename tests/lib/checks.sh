# The assertions shared by the shell tests. Source it, call `check "what" command...` for each
# assertion, and end with `finish`, which prints the count and sets the exit status.
failures=0
passes=0

check() {
  local what=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $what"
    failures=$((failures + 1))
  fi
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" = 0 ]
}
