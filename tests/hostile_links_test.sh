#!/usr/bin/env bash
# Hostile inputs to what links templates and values: parameter files, `.stacklint.yaml`
# environments, nested stacks, and the JSON files read beside templates (a baseline). Each
# must end with a clear error or a bounded result: no crash, no hang, nothing written.
# Usage: tests/hostile_links_test.sh path/to/stacklint
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source "$(dirname "$0")/lib/checks.sh"
make_scratch
cd "$tmp" || exit 2

printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' >t.yaml

# A JSON file nested a million deep overflowed RapidJSON's recursive parser (SIGSEGV).
python3 -c "print('[' * 1000000 + ']' * 1000000)" >deep.json
python3 -c "print('{\"stacklint-baseline\": 1, \"findings\": ' + '[{\"a\":' * 500000 + '1' + '}]' * 500000 + '}')" >deep2.json
for f in deep.json deep2.json; do
  out=$(timeout 20 "$bin" --baseline "$f" t.yaml 2>&1)
  code=$?
  check "a baseline nested a million deep ($f) is exit 2, not a crash" test "$code" = 2
  check "... saying it is not a baseline" has "not a stacklint baseline" "$out"
done

finish
