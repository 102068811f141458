#!/usr/bin/env bash
# The command line as users meet it: exit codes, inputs, selection, formats, determinism.
# Usage: tests/cli_test.sh path/to/stacklint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"

cp "$single_az_database" "$tmp/db.yaml"
cat >"$tmp/clean.yaml" <<'YAML'
Resources:
  Topic:
    Type: AWS::SNS::Topic
YAML
printf 'Resources:\n  Bucket: [unclosed\n' >"$tmp/broken.yaml"
mkdir -p "$tmp/tree/sub"
cp "$tmp/db.yaml" "$tmp/tree/sub/db.yml"
printf 'name: not a template\nsteps: [a, b]\n' >"$tmp/tree/workflow.yaml"
printf '{"name": "package.json, not a template"}\n' >"$tmp/tree/package.json"

version=$(sed -n 's/^project(stacklint VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
check "--version prints stacklint and the project version" bash -c '[ "$("$1" --version)" = "stacklint $2" ]' _ "$bin" "$version"
check "rules lists the catalogue" bash -c "'$bin' rules | grep -q '^R110 *rds-instance-single-az *warning'"
check "explain shows the documentation" bash -c "'$bin' explain R110 | grep -q '## Why is this bad'"
check "explain accepts a rule name" bash -c "'$bin' explain rds-instance-single-az | grep -q '^# R110'"
check "explain of an unknown rule is exit 2" test "$(status_of "$bin" explain R999)" = 2

check "a warning fails at the default fail level" test "$(status_of "$bin" "$tmp/db.yaml")" = 1
check "--fail-level error passes on warnings" test "$(status_of "$bin" --fail-level error "$tmp/db.yaml")" = 0
check "--fail-level none always passes" test "$(status_of "$bin" --fail-level none "$tmp/broken.yaml")" = 0
check "a clean template exits 0" test "$(status_of "$bin" "$tmp/clean.yaml")" = 0
check "bad arguments are exit 2" test "$(status_of "$bin" --format nonsense "$tmp/db.yaml")" = 2
check "no paths is exit 2" test "$(status_of "$bin")" = 2

out=$("$bin" "$tmp/missing.yaml" "$tmp/db.yaml" 2>&1)
code=$?
check "a missing path is exit 2" test "$code" = 2
check "... and the other files are still linted" grep -q "R110" <<<"$out"
check "... and the missing path is named" grep -q "missing.yaml: error: no such file" <<<"$out"

out=$("$bin" "$tmp/broken.yaml" "$tmp/db.yaml" 2>&1)
check "a broken template is T001, not an abort" grep -q "broken.yaml:2:.*T001" <<<"$out"
check "... and the next file is linted" grep -q "db.yaml:6:16: warning" <<<"$out"

out=$("$bin" - --stdin-filename templates/db.yaml <"$tmp/db.yaml")
check "stdin is linted under --stdin-filename" grep -q "^templates/db.yaml:6:16: warning" <<<"$out"

out=$("$bin" "$tmp/tree")
check "a folder walk finds *.yml below it" grep -q "sub/db.yml:6:16" <<<"$out"
check "a folder walk skips YAML/JSON that is not CloudFormation" bash -c "! grep -q 'workflow.yaml\|package.json' <<<'$out'"
check "a file named on the command line is always reported" \
  bash -c "'$bin' '$tmp/tree/workflow.yaml' | grep -q 'T001'"

cat >"$tmp/both.yaml" <<'YAML'
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
  Bucket:
    Type: AWS::S3::Bucket
YAML
check "--select runs only the selected rules" \
  bash -c "out=\$('$bin' --select R110 '$tmp/both.yaml'); grep -q R110 <<<\"\$out\" && ! grep -q R150 <<<\"\$out\""
check "--ignore drops a rule (by name too)" \
  bash -c "out=\$('$bin' --ignore s3-bucket-versioning-disabled '$tmp/both.yaml'); grep -q R110 <<<\"\$out\" && ! grep -q R150 <<<\"\$out\""
check "--select of an unknown rule is exit 2" test "$(status_of "$bin" --select R999 "$tmp/both.yaml")" = 2

check "json output parses and counts match" python3 - "$bin" "$tmp/both.yaml" <<'PY'
import json, subprocess, sys
out = subprocess.run([sys.argv[1], "--select", "R110,R150", "--format", "json", sys.argv[2]], capture_output=True, text=True).stdout
doc = json.loads(out)
assert doc["tool"] == "stacklint"
assert doc["summary"]["findings"] == len(doc["findings"]) == 2, doc["summary"]
f = doc["findings"][0]
for key in ["rule", "name", "severity", "file", "line", "column", "end_line", "end_column", "resource", "message", "related"]:
    assert key in f, key
PY

"$bin" --select R110,R150 --format sarif --output "$tmp/out.sarif" --format text "$tmp/both.yaml" >"$tmp/stdout.txt"
check "--output writes one format to a file while another goes to stdout" \
  bash -c "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '$tmp/out.sarif' && grep -q 'Found 2 problems' '$tmp/stdout.txt'"

a=$("$bin" --format json "$tmp" "$tmp/tree" 2>&1)
b=$("$bin" --format json --jobs 1 "$tmp" "$tmp/tree" 2>&1)
c=$("$bin" --format json --jobs 2 "$tmp" "$tmp/tree" 2>&1)
check "output is byte-identical across runs and thread counts" bash -c "[ \"\$1\" = \"\$2\" ] && [ \"\$2\" = \"\$3\" ]" _ "$a" "$b" "$c"

printf 'Resources:\n  Bucket\033[31m:\n    Type: AWS::S3::Bucket # \033]0;title\007\n' >"$tmp/escapes.yaml"
for format in text concise github; do
  check "$format output carries no control characters from the template" \
    bash -c "! '$bin' --format $format '$tmp/escapes.yaml' | LC_ALL=C grep -q \$'[\\x1b\\x07]'"
done

mkdir -p "$tmp/nothing-here"
check "a folder without templates says so" \
  bash -c "'$bin' '$tmp/nothing-here' | grep -q 'No CloudFormation templates found'"

before=$(sha1sum "$tmp/db.yaml")
"$bin" --format sarif "$tmp/db.yaml" >/dev/null
check "templates are never written to" test "$before" = "$(sha1sum "$tmp/db.yaml")"

# Reports are streamed through a bounded buffer, and each file's text is released once it is
# linted (the text report keeps the lines it shows): a report of many files, larger than the
# buffer, is the same on standard output, in an --output file, and beside other formats.
mkdir -p "$tmp/many"
for i in $(seq 1 150); do
  cp "$tmp/db.yaml" "$tmp/many/db$i.yaml"
  # Each file's finding on another line, after lines of its own (CRLF, non-ASCII, a mark).
  { printf '\xef\xbb\xbf# file %d \xc3\xa9\r\n' "$i"; seq 1 "$i" | sed 's/^/# /'; cat "$tmp/db.yaml"; } \
    >"$tmp/many/shifted$i.yaml"
done
for format in text json sarif concise github gitlab junit; do
  "$bin" --fail-level none --format $format "$tmp/many" >"$tmp/many.stdout" 2>&1
  "$bin" --fail-level none --format $format --output "$tmp/many.out" "$tmp/many" 2>&1
  check "$format: a report of 300 files written with --output is what stdout shows" \
    bash -c "[ \$(wc -c <'$tmp/many.stdout') -gt 65536 ] && cmp -s '$tmp/many.stdout' '$tmp/many.out'"
done
"$bin" --fail-level none --format text "$tmp/many" >"$tmp/many.text"
"$bin" --fail-level none --format json "$tmp/many" >"$tmp/many.json"
check "every shifted file's snippet shows its own line" \
  bash -c "for i in \$(seq 1 150); do grep -q \"^\$((i + 7)) |   *MultiAZ: false\" '$tmp/many.text' || exit 1; done"
"$bin" --fail-level none -f json -o "$tmp/many2.json" -f text "$tmp/many" >"$tmp/many2.text"
"$bin" --fail-level none -f text -o "$tmp/many3.text" -f json "$tmp/many" >"$tmp/many3.json"
check "text and json together, either to a file: each as when alone" \
  bash -c "cmp -s '$tmp/many.text' '$tmp/many2.text' && cmp -s '$tmp/many.json' '$tmp/many2.json' &&
           cmp -s '$tmp/many.text' '$tmp/many3.text' && cmp -s '$tmp/many.json' '$tmp/many3.json'"
out=$("$bin" --fail-level none --statistics -f text -o "$tmp/many4.text" -f json "$tmp/many")
check "--statistics on stdout, the text report in a file: the report whole" \
  bash -c "cmp -s '$tmp/many.text' '$tmp/many4.text' && grep -q '^R110 ' <<<'$out'"
# An --output that is standard output itself comes after the report streamed there before it,
# whole: the tail that report left in the buffer is not cut off by the other report.
"$bin" --fail-level none -f text -f json -o /dev/stdout "$tmp/many" | cat >"$tmp/many5"
check "text on stdout, then json to /dev/stdout (the same pipe): text whole, then json" \
  bash -c "cat '$tmp/many.text' '$tmp/many.json' | cmp -s - '$tmp/many5'"

finish
