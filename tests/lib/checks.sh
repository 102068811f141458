# The assertions shared by the shell tests. Source it, call `check "what" command...` for each
# assertion, and end with `finish`, which prints the count and sets the exit status.
# A template with one finding, R110 at line 6, column 16: tests/lib/single-az-database.yaml.
single_az_database="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/single-az-database.yaml"

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

# The exit status of a command, its output discarded.
status_of() {
  "$@" >/dev/null 2>&1
  echo $?
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" = 0 ]
}

# Whether the text $2 contains a match of the basic regular expression $1.
has() { grep -q -- "$1" <<<"$2"; }

# A private scratch folder, removed (even where a test took permissions away) when the test
# exits; sets `tmp`.
make_scratch() {
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
}
