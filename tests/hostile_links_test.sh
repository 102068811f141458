#!/usr/bin/env bash
# Hostile inputs to what links templates and values: parameter files, `.stacklint.yaml`
# environments, nested stacks, and the JSON files read beside templates (a baseline). Each
# must end with a clear error or a bounded result: no crash, no hang, nothing written.
# Usage: tests/hostile_links_test.sh path/to/stacklint
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source "$(dirname "$0")/lib/checks.sh"
make_scratch

# Milliseconds a command takes, its output discarded. Times are compared with the same binary's
# time on a linear task of the same size, so that a sanitizer build (ten times slower) passes
# and a quadratic regression (its ratio grows with the size) does not.
elapsed_ms() {
  local start
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  echo $((($(date +%s%N) - start) / 1000000))
}
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

# Parameter files: a YAML alias shares its anchor's text in the tree, but each value was copied
# out once per alias: 2,000 aliases of a 4 MB scalar took 8 GB. Scalars, lists of aliases, and
# aliased names are bounded by the file size limit, with file:line:column.
printf 'Parameters:\n  A: {Type: String, Default: x}\nResources:\n  B:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref A}\n' >p.yaml
python3 - <<'PY'
big = "x" * (4 * 1024 * 1024)
open("bomb-scalar.yaml", "w").write("a: &x " + big + "\n" + "".join(f"k{i}: *x\n" for i in range(2000)))
open("bomb-list.yaml", "w").write("a: &x " + big + "\nl: [" + ", ".join(["*x"] * 2000) + "]\n")
open("bomb-cli.yaml", "w").write("- {ParameterKey: A, ParameterValue: &x " + big + "}\n" + "".join(f"- {{ParameterKey: K{i}, ParameterValue: *x}}\n" for i in range(2000)))
PY
for f in bomb-scalar.yaml bomb-list.yaml bomb-cli.yaml; do
  out=$(timeout 20 "$bin" --parameter-file "$f" p.yaml 2>&1)
  code=$?
  check "a parameter file of aliases ($f) is exit 2 in bounded time" test "$code" = 2
  check "... naming the alias bomb at file:line:column" has "^stacklint: $f:[0-9]*:[0-9]*: .*alias" "$out"
done
check "the bomb is reported where the copy would exceed, not at the anchor" \
  has "bomb-scalar.yaml:[0-9]*:1: the names and values of this file add up to more than" \
  "$(timeout 20 "$bin" --parameter-file bomb-scalar.yaml p.yaml 2>&1)"

# A message quoted a resolved value whole: one 1 MB Default read by 400 Refs made a 400 MB
# report. Values in messages are cut, at a code point (a cut inside a UTF-8 sequence made the
# JSON report invalid UTF-8).
python3 - <<'PY'
v = "," * 1000000
open("amp.yaml", "w").write("Parameters:\n  A: {Type: String, Default: '" + v + "'}\nResources:\n" + "".join(f"  B{i}:\n    Type: AWS::SNS::Topic\n    Properties: {{TopicName: !Ref A}}\n" for i in range(400)))
open("cut.yaml", "w").write("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: '" + "a" * 79 + "\u00e9" * 10 + "'}\n")
open("cut-param.yaml", "w").write("Parameters:\n  A: {Type: String, Default: '" + "a" * 79 + "\U0001F600" * 10 + "'}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref A}\n")
PY
for format in text json sarif; do
  size=$("$bin" -f $format amp.yaml 2>/dev/null | wc -c)
  check "400 Refs of a 1 MB value make a short $format report ($size bytes)" test "$size" -lt 2000000
done
for f in cut.yaml cut-param.yaml; do
  for format in json sarif text; do
    check "a value cut in a message stays UTF-8 ($f, $format)" \
      python3 -c "import sys; sys.stdin.buffer.read().decode('utf-8')" < <("$bin" -f $format "$f" 2>&1)
  done
  check "... and the message shows where it was cut ($f)" has '\.\.\.' "$("$bin" -f concise "$f" 2>&1)"
done

# Nested stacks: a linked template's findings were each compared with every finding kept so far
# (to keep a finding of a file nested several times once): 80,000 findings took 9 s, 160,000
# about 40 s. Looked up now; the ceiling only catches the quadratic time.
mkdir -p nest
printf 'Parameters:\n  P: {Type: String}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref P}\n' >nest/child.yaml
python3 - <<'PY'
with open("nest/many.yaml", "w") as f:
    f.write("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
    for i in range(160000):
        f.write(f"  B{i}:\n    Type: AWS::S3::Bucket\n")
    f.write("  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n      Parameters: {P: x}\n")
with open("nest/fan.yaml", "w") as f:
    f.write("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
    for i in range(500):
        f.write(f"  C{i}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n      Parameters: {{P: same}}\n")
PY
lines=$(timeout 600 "$bin" -f concise nest/many.yaml 2>/dev/null | grep -c 'nest/many.yaml')
check "160,000 findings of a linked template, each once" test "$lines" = 160000
grep -v 'TemplateURL\|Parameters: {P\|CloudFormation::Stack\|^  C:$' nest/many.yaml >nest/plain.yaml
linked=$(elapsed_ms "$bin" -q nest/many.yaml)
plain=$(elapsed_ms "$bin" -q nest/plain.yaml)
# Before: 16 times the plain run at this size; linear: about twice.
check "... in linear time ($linked ms linked, $plain ms the same template alone)" \
  test "$linked" -lt $((4 * plain + 2000))
out=$("$bin" -f concise nest/fan.yaml 2>&1)
check "a child nested 500 times with the same values: its finding once" \
  test "$(grep -c '^nest/child.yaml' <<<"$out")" = 1

# Environments: the duplicate exports (T060) were found by scanning every export of the run for
# each stack, and each file compared with every root's normalized path: 1,600 stacks exporting
# 50 names each took 17 s (quadratic). The same run now takes about 4 s here.
mkdir -p env
python3 - <<'PY'
import json
n, m = 1600, 50
stacks = []
for s in range(n):
    with open(f"env/s{s}.yaml", "w") as f:
        f.write("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
        for j in range(m):
            f.write(f"  T{j}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !ImportValue e{(s + 1) % n}-{j}\n")
        f.write("Outputs:\n")
        for j in range(m):
            f.write(f"  O{j}:\n    Value: !Ref T{j}\n    Export: {{Name: !Sub '${{AWS::StackName}}-{j}'}}\n")
    stacks.append({"name": f"e{s}", "template": f"s{s}.yaml"})
# Three stacks that export one name, with a name written to break every output format.
evil = "ev\u202eil\u001b[31m::error file=x::%0A\r\n]]></failure><x>\ufffe&amp;\u2028"
for s in range(3):
    with open(f"env/dup{s}.yaml", "w") as f:
        f.write("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T:\n    Type: AWS::SNS::Topic\n"
                "Outputs:\n  O:\n    Value: !Ref T\n    Export: {Name: " + json.dumps(evil) + "}\n")
dups = [{"name": f"d{s}", "template": f"dup{s}.yaml"} for s in range(3)]
json.dump({"environments": {"prod": {"complete": True, "stacks": stacks},
                            "dup": {"stacks": dups}}}, open("env/.stacklint.yaml", "w"))
PY
code=$(cd env && status_of timeout 600 "$bin" --env prod)
check "1,600 linked stacks that import each other: clean" test "$code" = 0
linked=$(cd env && elapsed_ms "$bin" --env prod -q)
plain=$(elapsed_ms "$bin" -q env)
# Before: 4 times the files linted one by one; linear: about as long.
check "... in linear time ($linked ms linked, $plain ms the files one by one)" \
  test "$linked" -lt $((5 * plain / 2 + 1000))
out=$(cd env && "$bin" --env dup -f concise 2>&1)
check "a name exported by three stacks: T060 on the second and the third" \
  test "$(grep -c 'T060' <<<"$out")" = 2
check "... each naming the first" test "$(grep -c 'already exported by output O of stack dup0.yaml' <<<"$out")" = 2
check "... a hostile export name escaped for the terminal" test "$(grep -c $'\e' <<<"$out")" = 0
out=$(cd env && "$bin" --env dup -f github 2>&1)
check "... and for GitHub (one line per annotation)" test "$(grep -c '^::' <<<"$out")" = "$(wc -l <<<"$out")"
check "... and JUnit stays well-formed XML" \
  python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())" \
  < <(cd env && "$bin" --env dup -f junit)

# --parameter with bytes that are not UTF-8 reached the JSON, SARIF and GitLab reports raw
# (invalid UTF-8); in the value or in the name, refused with exit 2 as a bad argument.
for arg in $'A=\xff' $'\xff=1' $'A=\xc3' $'A=\xed\xa0\x80'; do
  check "--parameter $(printf %q "$arg") is exit 2" test "$(status_of "$bin" --parameter "$arg" -f json p.yaml)" = 2
done
check "... and says which byte" has "byte 3 is not UTF-8" "$("$bin" --parameter $'A=\xff' p.yaml 2>&1)"
check "a UTF-8 value (accents, emoji) is taken" \
  python3 -c "import sys, json; json.loads(sys.stdin.buffer.read().decode('utf-8'))" \
  < <("$bin" --parameter 'A=é😀' -f json p.yaml)

# The same for --stdin-filename: the name is reported, with its bytes that are not UTF-8
# replaced, in every format.
for format in json sarif gitlab junit; do
  check "--stdin-filename with a byte that is not UTF-8: the $format report stays UTF-8" \
    python3 -c "import sys; sys.stdin.buffer.read().decode('utf-8')" \
    < <("$bin" - --stdin-filename $'x\xff.yaml' -f $format <t.yaml)
done

# The bound of 4,096 stacks in a linked run was silent: declared stacks past it were not linted
# and the run exited 0; nested stacks past it were read as unknown without T007.
mkdir -p cap
python3 - <<'PY'
import json
stacks = []
for i in range(4100):
    open(f"cap/s{i}.yaml", "w").write("Resources:\n  T:\n    Type: AWS::SNS::Topic\n")
    stacks.append({"name": f"n{i}", "template": f"s{i}.yaml"})
json.dump({"environments": {"prod": {"stacks": stacks}}}, open("cap/.stacklint.yaml", "w"))
with open("cap/fan.yaml", "w") as f:
    f.write("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
    for i in range(4100):
        f.write(f"  C{i}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: s0.yaml\n")
PY
out=$(cd cap && "$bin" --env prod -q 2>&1)
code=$?
check "4,100 declared stacks: exit 2, the run could not lint them all" test "$code" = 2
check "... naming each stack past the bound" test "$(grep -c 'not linted: a linked run holds at most 4096 stacks' <<<"$out")" = 4
out=$("$bin" -f concise cap/fan.yaml 2>&1)
check "4,100 nested stacks: T007 at each TemplateURL past the bound" \
  test "$(grep -c '^cap/fan.yaml:.*\[T007\]' <<<"$out")" = 5

# A long Default read by many Refs: each Ref was handed its own copy of the remembered value
# (1 MB x 400 Refs kept 400 MB). The copies now stop at the template's copy allowance (T007).
peak_kb() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
for refs in 1 400; do
  python3 - "$refs" <<'PY'
import sys
refs = int(sys.argv[1])
out = ["Parameters:", "  A: {Type: String, Default: '" + "x" * 1000000 + "'}", "Resources:"]
for i in range(refs):
    out += [f"  T{i}:", "    Type: AWS::SNS::Topic", "    Properties: {TopicName: !Ref A}"]
open(f"amp{refs}.yaml", "w").write("\n".join(out) + "\n")
PY
done
one=$(peak_kb "$bin" amp1.yaml)
many=$(peak_kb "$bin" amp400.yaml)
check "a 1 MB Default read by 400 Refs stays within 64 MB of one Ref's peak ($one KB, $many KB)" \
  test "$many" -lt $((one + 65536))
out=$("$bin" -f concise amp400.yaml 2>&1)
check "... and T007 says which values the copy allowance cut off" has "copies of large values" "$out"

finish
