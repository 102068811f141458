#!/usr/bin/env bash
# Issue 11, found by QA after the merge: standard input's file is an input too, write targets are
# compared as they will be once written (links to nothing, "a/../r.json"), a folder walk that
# cannot read everything exits 2 and says so in its summary, messages say what is true, and
# nothing from the repository or the command line reaches standard error raw.
# Usage: tests/write_targets_test.sh path/to/stacklint
set -u
bin=$(realpath "$1")
source "$(dirname "$0")/lib/checks.sh"
make_scratch
cd "$tmp"
bucket='Resources: {B: {Type: AWS::S3::Bucket}}'
printf '%s\n' "$bucket" >t.yaml
printf 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n' >clean.yaml
original=$(sha1sum <t.yaml)
untouched() { test "$(sha1sum <t.yaml)" = "$original"; }

# --- standard input redirected from the file a write names -------------------------------------
for cmd in "-f json --output t.yaml" "--write-baseline t.yaml" "-f sarif -o ./t.yaml" \
  "--write-baseline $tmp/t.yaml" "-f json -o /dev/stdin"; do
  # shellcheck disable=SC2086
  out=$("$bin" - $cmd <t.yaml 2>&1)
  code=$?
  check "stdin from t.yaml and $cmd: exit 2 (status $code)" test $code = 2
  check "... saying why" has "never writes to its inputs" "$out"
  check "... and t.yaml is untouched" untouched
done
ln t.yaml hard.yaml
ln -s t.yaml soft.yaml
check "stdin from a hard link, --output the template: exit 2" \
  test "$(status_of "$bin" - -f json -o t.yaml <hard.yaml)" = 2
check "stdin from the template, --write-baseline through a link to it: exit 2" \
  test "$(status_of "$bin" - --write-baseline soft.yaml <t.yaml)" = 2
check "... the template untouched" untouched
# Standard input from elsewhere (a pipe, another file) does not block an unrelated output.
check "stdin from a pipe, --output another file: exit 1 (the finding)" \
  test "$(cat t.yaml | "$bin" - -f json -o pipe.json 2>/dev/null; echo $?)" = 1
check "... written" grep -q '"tool"' pipe.json
check "stdin from clean.yaml, --output a new file: exit 0" \
  test "$(status_of "$bin" - -f json -o other.json <clean.yaml)" = 0
check "stdin not named (-) is not an input: --output t.yaml from a run on clean.yaml is allowed" \
  bash -c "cp t.yaml copy.yaml && '$bin' -f json -o copy.yaml clean.yaml <copy.yaml && grep -q '\"tool\"' copy.yaml"

# --- two targets that are one file once written ---------------------------------------------------
mkdir d1 && cd d1
cp ../t.yaml t.yaml
ln -s r.json link.json
for order in "-o r.json --format sarif -o link.json" "-o link.json --format sarif -o r.json"; do
  # shellcheck disable=SC2086
  out=$("$bin" --format json $order t.yaml 2>&1)
  check "a link to nothing and the name it points at ($order): exit 2" test $? = 2
  check "... saying so" has "named by two options" "$out"
  check "... and nothing written" test ! -e r.json
done
mkdir -p sub && ln -s sub linked-sub
ln -s sub/deep.json link2.json
ln -s link2.json chain.json
for pair in "a/../r.json r.json" "r.json ./r.json" "sub/x.json linked-sub/x.json" \
  "chain.json sub/deep.json" "$PWD/sub/deep.json link2.json"; do
  mkdir -p a
  set -- $pair
  out=$("$bin" -f json -o "$1" -f concise -o "$2" t.yaml 2>&1)
  check "two new targets $1 and $2 are one file: exit 2" test $? = 2
  out=$("$bin" -f json -o "$2" -f concise -o "$1" t.yaml 2>&1)
  check "... the other way round too" test $? = 2
  check "... and nothing written" bash -c "[ ! -e r.json ] && [ ! -e sub/x.json ] && [ ! -e sub/deep.json ]"
done
check "two different new names in one folder are written" \
  test "$(status_of "$bin" -f json -o one.json -f sarif -o two.json t.yaml)" = 1
check "... both" bash -c "grep -q '\"tool\"' one.json && grep -q 'sarif' two.json"
cd ..

# --- a walk that cannot read everything ---------------------------------------------------------
as_nobody=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" != 0 ] || [ ${#as_nobody[@]} -gt 0 ]; then
  mkdir -p walk/locked out && chmod 777 out
  cp clean.yaml walk/ok.yaml && cp t.yaml walk/secret.yaml && cp clean.yaml walk/locked/hidden.yaml
  chmod -R a+rX walk && chmod 000 walk/secret.yaml
  out=$("${as_nobody[@]}" "$bin" walk 2>&1)
  code=$?
  check "an unreadable file in a walk: exit 2 (status $code)" test $code = 2
  check "... it is named" has "secret.yaml: error: cannot open file: Permission denied" "$out"
  check "... the summary does not stop at 'No problems found'" \
    has "No findings in 2 files linted; 1 path could not be linted." "$out"
  chmod 644 walk/secret.yaml && chmod 000 walk/locked
  mkdir -p walk/sub && cp t.yaml walk/sub/finding.yaml && chmod -R a+rX walk/sub
  out=$("${as_nobody[@]}" "$bin" walk 2>&1)
  code=$?
  check "an unreadable subfolder in a walk, a finding elsewhere: exit 2, not 1 (status $code)" test $code = 2
  check "... the folder named, the finding still reported, the summary says it" \
    bash -c "grep -q 'locked: error: cannot read folder' <<<\"\$1\" && grep -q 'finding.yaml:1:13: warning' <<<\"\$1\" && grep -q 'Found 2 problems.*; 1 path could not be linted' <<<\"\$1\"" _ "$out"
  out=$("${as_nobody[@]}" "$bin" -f json walk 2>/dev/null)
  check "... in json: exit-worthy errors listed" \
    bash -c "python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"errors\"])==1' <<<\"\$1\"" _ "$out"
  out=$("${as_nobody[@]}" "$bin" --write-baseline out/base.json walk 2>&1)
  code=$?
  check "--write-baseline over a walk that could not read everything: exit 2 (status $code)" test $code = 2
  check "... saying the baseline is incomplete" has "the baseline does not record their findings" "$out"
  check "... which still records what was read" grep -q '"R150"\|R150' out/base.json
  chmod 755 walk/locked
else
  echo "SKIP: unreadable files need a user other than root (setpriv is missing)"
fi
# The same rule for other paths a walk cannot lint: a name that is not UTF-8, a link to nothing.
mkdir -p walk2 && cp t.yaml walk2/finding.yaml
printf '%s\n' "$bucket" >"walk2/$(printf 'bad\xffname').yaml"
out=$("$bin" walk2 2>&1)
check "a name that is not UTF-8 beside a finding: exit 2" test $? = 2
check "... and said in the summary" has "; 1 path could not be linted" "$out"
rm walk2/bad*
ln -s nowhere.yaml walk2/dangling.yaml
check "a link to nothing in a walk beside a finding: exit 2" test "$(status_of "$bin" walk2)" = 2
rm walk2/dangling.yaml
check "the same walk with nothing unreadable: exit 1 (the finding)" test "$(status_of "$bin" walk2)" = 1
check "... and no 'could not be linted'" bash -c "! '$bin' walk2 2>&1 | grep -q 'could not be linted'"

# --- messages that say what is true --------------------------------------------------------------
out=$("$bin" --write-baseline one.json t.yaml 2>&1)
check "--write-baseline with one finding: 'recorded 1 finding'" has "recorded 1 finding in one.json" "$out"
printf 'Resources: {A: {Type: AWS::S3::Bucket}, B: {Type: AWS::S3::Bucket}}\n' >two.yaml
out=$("$bin" --write-baseline two.json two.yaml 2>&1)
check "... with two: 'recorded 2 findings'" has "recorded 2 findings in two.json" "$out"
out=$("$bin" --write-baseline zero.json clean.yaml 2>&1)
check "... with none: 'recorded 0 findings'" has "recorded 0 findings in zero.json" "$out"
out=$("$bin" graph missing.yaml 2>&1)
check "graph missing.yaml: exit 2, 'no such file'" \
  bash -c "[ $? = 2 ] && grep -q 'missing.yaml: cannot read the template: no such file$' <<<\"\$1\"" _ "$out"
out=$("$bin" graph - <t.yaml 2>&1)
check "graph -: exit 2, it reads a file" \
  bash -c "[ $? = 2 ] && grep -q 'graph reads a file, not standard input' <<<\"\$1\"" _ "$out"
for option in --config --baseline; do
  out=$("$bin" $option /nonexistent/x.yaml t.yaml 2>&1)
  check "$option /nonexistent: exit 2, 'no such file'" \
    bash -c "[ $? = 2 ] && grep -q 'no such file$' <<<\"\$1\" && ! grep -q vanished <<<\"\$1\"" _ "$out"
done
ln -s nowhere.yaml dangling-cfg.yaml
check "--config naming a link to nothing says so" \
  has "no such file (a link to nothing)" "$("$bin" --config dangling-cfg.yaml t.yaml 2>&1)"
check "no message says 'vanished' for a file that never was" \
  bash -c "! { '$bin' graph missing.yaml; '$bin' --config missing.yaml t.yaml; '$bin' missing.yaml; } 2>&1 | grep -q vanished"

# --- nothing raw on standard error -------------------------------------------------------------
scan() {
  python3 -c '
import re, sys
text = sys.stdin.buffer.read().decode("utf-8", "replace")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]", text)
sys.exit(1 if bad or len(text) < int(sys.argv[1]) else 0)' "${1:-20}"
}
export -f scan
hostile=$(printf 'R150\033]0;pwned\a\033[2J\xe2\x80\xae\xc2\x9b')
mkdir -p repo && cp t.yaml repo/t.yaml
printf 'select: ["R150\\e]0;pwned\\a\\e[2J"]\n' >repo/.stacklint.yaml
check "a .stacklint.yaml select with escapes: exit 2" test "$(cd repo && status_of "$bin" t.yaml)" = 2
check "... its message carries no control character" bash -c "cd repo && '$bin' t.yaml 2>&1 >/dev/null | scan"
for key in ignore fail-level; do
  printf '%s: "X\\e[2J\\u202e"\n' "$key" >repo/.stacklint.yaml
  check ".stacklint.yaml $key with escapes: stderr escaped" bash -c "cd repo && '$bin' t.yaml 2>&1 >/dev/null | scan"
done
printf 'severity: {"R1\\e[2J": error}\nexclude: ["\\e[2J"]\n' >repo/.stacklint.yaml
check ".stacklint.yaml severity key with escapes: stderr escaped" bash -c "cd repo && '$bin' t.yaml 2>&1 >/dev/null | scan"
for option in --select --ignore --format --fail-level --color --jobs --config --baseline; do
  check "$option with escapes: stderr escaped" \
    bash -c "'$bin' $option \"\$1\" t.yaml 2>&1 >/dev/null | scan 5" _ "$hostile"
done
for cmd in "explain" "graph" "graph t.yaml -f" "rules -f" "--bogus-option"; do
  # shellcheck disable=SC2086
  check "stacklint $cmd <escapes>: stderr escaped" \
    bash -c "'$bin' $cmd \"\$1\" 2>&1 >/dev/null | scan 5" _ "$hostile"
done
check "--output into a missing folder with escapes: stderr escaped" \
  bash -c "'$bin' -o \"nowhere/\$1\" t.yaml 2>&1 >/dev/null | scan 5" _ "$hostile"
check "graph -o into a missing folder with escapes: stderr escaped" \
  bash -c "'$bin' graph t.yaml -o \"nowhere/\$1\" 2>&1 >/dev/null | scan 5" _ "$hostile"
check "--stdin-filename with escapes: the text report escaped" \
  bash -c "'$bin' --stdin-filename \"\$1\" - <t.yaml | scan 5" _ "$hostile"
check "a named path with escapes that does not exist: output escaped" \
  bash -c "'$bin' \"\$1\" 2>&1 | scan 5" _ "$hostile"

finish
