#!/usr/bin/env bash
# The build compiles rules/*.yaml into the binary with stacklint_compile_rules (built beside
# stacklint): a broken rule file stops it with the file, line, column and what is wrong, and writes
# nothing; good rule files compile into a source that is rewritten only when it changes.
# Usage: tests/compile_rules_test.sh path/to/build/stacklint
set -u
tool="$(dirname "$1")/stacklint_compile_rules"
source "$(dirname "$0")/lib/checks.sh"
make_scratch

cp rules/R110.yaml "$tmp/R110.yaml"
sed 's/^severity: .*/severity: fatal/' rules/R110.yaml >"$tmp/X001.yaml"
sed -i 's/^id: .*/id: X001/; s/^name: .*/name: x-one/' "$tmp/X001.yaml"
line=$(grep -n '^severity:' "$tmp/X001.yaml" | cut -d: -f1)
err=$("$tool" "$tmp/out.cpp" "$tmp/R110.yaml" "$tmp/X001.yaml" 2>&1)
check "a broken rule file fails the compile" [ $? = 1 ]
check "the error names the file, line and column: $err" \
  has "^rules/X001.yaml:$line:11: severity must be error, warning or info$" "$err"
check "nothing is written" [ ! -e "$tmp/out.cpp" ]

"$tool" "$tmp/out.cpp" "$tmp/R110.yaml"
check "a good rule file compiles" [ $? = 0 ]
check "into a C++ source of the compiled catalogue" has "kCompiledCatalog\[\] =" "$(cat "$tmp/out.cpp")"
check "named as in the repository" has "rules/R110.yaml" "$(cat "$tmp/out.cpp")"
touch -d @946684800 "$tmp/out.cpp"
"$tool" "$tmp/out.cpp" "$tmp/R110.yaml"
check "an unchanged output is not rewritten" [ "$(stat -c %Y "$tmp/out.cpp")" = 946684800 ]
finish
