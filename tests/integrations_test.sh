#!/usr/bin/env bash
# Formats, suppressions, configuration and baselines as CI systems and editors meet them.
# Usage: tests/integrations_test.sh path/to/stacklint
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"
cd "$tmp"

cp "$single_az_database" db.yaml
cat >suppressed.yaml <<'YAML'
Resources:
  Development:
    Type: AWS::RDS::DBInstance
    Metadata:
      stacklint: {ignore: [R110], reason: "development only"}
    Properties:
      Engine: postgres
  Inline:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MultiAZ: false # stacklint: ignore R110 -- replaced next quarter
  Checked:
    Type: AWS::RDS::DBInstance
    Metadata:
      checkov: {skip: [{id: CKV_AWS_157, comment: "board decision"}]}
    Properties:
      Engine: postgres
YAML
cat >clean.yaml <<'YAML'
Resources:
  Topic:
    Type: AWS::SNS::Topic
YAML

# --- concise: one line per finding, the compilers' shape ---------------------------------------
out=$("$bin" -f concise --select R110 db.yaml clean.yaml)
check "concise line" [ "$out" = "db.yaml:6:16: warning: DB instance Database is not Multi-AZ: when its Availability Zone fails, the database is down until AWS recovers that zone. Set MultiAZ: true to keep a synchronous standby in another zone. [R110]" ]
out=$(cat db.yaml | "$bin" -f concise --select R110 - --stdin-filename stacks/edited.yaml)
check "concise reports the --stdin-filename" grep -q '^stacks/edited.yaml:6:16: warning: ' <<<"$out"
check "concise hides suppressed findings" [ -z "$("$bin" -f concise --select R110 suppressed.yaml)" ]

# --- github: workflow commands, escaped as the Actions toolkit escapes them ---------------------
cp db.yaml 'odd,name:100%.yaml'
out=$("$bin" -f github --select R110 'odd,name:100%.yaml')
check "github annotation" [ "$out" = "::warning file=odd%2Cname%3A100%25.yaml,line=6,endLine=6,col=16,endColumn=20,title=R110 rds-instance-single-az::DB instance Database is not Multi-AZ: when its Availability Zone fails, the database is down until AWS recovers that zone. Set MultiAZ: true to keep a synchronous standby in another zone." ]
out=$("$bin" -f github --select T001 broken-does-not-exist.yaml 2>&1)
check "github reports unreadable paths as errors" grep -q '^::error file=broken-does-not-exist.yaml,title=stacklint::no such file' <<<"$out"
printf 'Resources:\n  Bucket: {Type: AWS::S3::Bucket\n' >broken.yaml
out=$("$bin" -f github broken.yaml)
check "github T001 is an error annotation" grep -q '^::error file=broken.yaml,line=2,' <<<"$out"

# --- gitlab: Code Quality JSON ------------------------------------------------------------------
"$bin" -f gitlab --select R110 db.yaml suppressed.yaml clean.yaml >gl.json
check "gitlab shape" python3 - gl.json <<'PY'
import json, sys
issues = json.load(open(sys.argv[1]))
assert isinstance(issues, list) and len(issues) == 1, issues
i = issues[0]
assert set(i) == {"description", "check_name", "fingerprint", "severity", "location"}, i
assert i["check_name"] == "R110 rds-instance-single-az" and i["severity"] == "minor"
assert i["location"] == {"path": "db.yaml", "lines": {"begin": 6}}, i
PY
cat >twice.yaml <<'YAML'
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres}
YAML
# The same template twice under different names: fingerprints stay unique per report.
cp twice.yaml twice2.yaml
"$bin" -f gitlab --select R110 twice.yaml twice2.yaml >gl2.json
check "gitlab fingerprints are unique" python3 -c '
import json, sys
f = [i["fingerprint"] for i in json.load(open("gl2.json"))]
assert len(f) == 2 and len(set(f)) == 2, f'

# --- junit: a testsuite per file, a testcase per rule ---------------------------------------------
"$bin" -f junit --select R110,R150 db.yaml suppressed.yaml clean.yaml >junit.xml
check "junit shape" python3 - junit.xml <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert list(suites) == ["db.yaml", "suppressed.yaml", "clean.yaml"], list(suites)
for s in suites.values():
    names = [c.get("name") for c in s.findall("testcase")]
    assert len(names) == len(set(names)) == int(s.get("tests")), names
    assert int(s.get("failures")) == sum(len(c.findall("failure")) for c in s.findall("testcase"))
db = suites["db.yaml"].find("testcase[@name='R110 rds-instance-single-az']")
assert db is not None and len(db.findall("failure")) == 1
assert db.find("failure").get("type") == "warning"
sup = suites["suppressed.yaml"].find("testcase[@name='R110 rds-instance-single-az']")
assert sup.find("skipped") is not None and not sup.findall("failure")
assert suites["clean.yaml"].find("testcase").get("name") == "stacklint"
assert int(root.get("failures")) == 1, root.get("failures")
PY

# --- text: suppressed findings hidden and counted; help line; colour --------------------------
out=$("$bin" --select R110 suppressed.yaml db.yaml)
check "text counts suppressed findings" grep -q '^Found 1 problem .*; 3 suppressed\.$' <<<"$out"
check "text hides suppressed findings" bash -c '! grep -q "suppressed.yaml:" <<<"$1"' _ "$out"
check "text help is the fix's first sentence" grep -qF '  = help: Set `MultiAZ: true`. (stacklint explain R110)' <<<"$out"
check "--color=always colours" grep -q $'\x1b\\[' <<<"$("$bin" --color always db.yaml)"
check "--color=never does not" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$("$1" --color never db.yaml)"' _ "$bin"
check "colour is off when not a terminal" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$("$1" db.yaml)"' _ "$bin"
check "NO_COLOR is honoured on a terminal" bash -c '! NO_COLOR=1 script -qec "$1 db.yaml" /dev/null | grep -q $'"'"'\x1b'"'"'' _ "$bin"
check "auto colours on a terminal" bash -c 'script -qec "$1 db.yaml" /dev/null | grep -q $'"'"'\x1b'"'"'' _ "$bin"

# --- suppressions and the exit status ---------------------------------------------------------
check "suppressed findings do not fail the run" [ "$(status_of "$bin" --select R110 suppressed.yaml)" = 0 ]
check "--no-foreign-suppressions re-opens other tools' suppressions" \
  [ "$(status_of "$bin" --select R110 --no-foreign-suppressions suppressed.yaml)" = 1 ]
out=$("$bin" -f json --select R110 suppressed.yaml)
check "json marks suppressions with kind and reason" python3 - <<PY
import json
f = json.loads('''$out''')["findings"]
assert [x["suppressed"] for x in f] == [True, True, True], f
assert [x["suppression"]["kind"] for x in f] == ["inSource", "inSource", "external"], f
assert f[0]["suppression"]["reason"] == "development only"
assert f[1]["suppression"]["reason"] == "replaced next quarter"
assert "board decision" in f[2]["suppression"]["reason"] and "CKV_AWS_157" in f[2]["suppression"]["reason"]
PY

# --- several formats in one run ---------------------------------------------------------------
out=$("$bin" --select R110 --format sarif --output both.sarif --format text db.yaml)
check "text on stdout beside a SARIF file" grep -q '^db.yaml:6:16: warning' <<<"$out"
check "the SARIF file is written" python3 -c 'import json; assert json.load(open("both.sarif"))["runs"][0]["results"]'

# --- output is the same whatever the thread count --------------------------------------------
mkdir -p many
for i in $(seq 1 30); do cp db.yaml many/db$i.yaml; cp suppressed.yaml many/s$i.yaml; done
for format in text concise json sarif github gitlab junit; do
  "$bin" -f "$format" -j 1 many >one.$format 2>&1
  "$bin" -f "$format" -j 8 many >eight.$format 2>&1
  check "$format is byte-identical across thread counts" cmp -s one.$format eight.$format
done

# --- configuration ----------------------------------------------------------------------------
mkdir -p proj/sub proj/legacy proj/rules proj/cdk.out
cp db.yaml proj/sub/db.yaml
cp db.yaml proj/legacy/db.yaml
cp db.yaml proj/cdk.out/db.yaml
cat >proj/sub/bucket.yaml <<'YAML'
Resources:
  Logs:
    Type: AWS::S3::Bucket
YAML
cfg() { printf '%s\n' "$@" >proj/.stacklint.yaml; }
run_in() { (cd proj/sub && "$bin" "$@" ..); }
# Other rules may fire on these templates too: every check names the rules it is about.
cfg "fail-level: error" "select: [R110, R150]"
check "fail-level from the file" [ "$(status_of run_in)" = 0 ]
check "--fail-level overrides the file" [ "$(status_of run_in --fail-level warning)" = 1 ]
cfg "fail-level: error"
check "--select keeps the file's other settings" [ "$(status_of run_in --select R110)" = 0 ]
cfg "select: [R150]"
check "select from the file" bash -c '[ "$(cd proj/sub && "$1" -f concise .. | sed "s/:.*\[/ [/")" = "../sub/bucket.yaml [R150]" ]' _ "$bin"
check "--select overrides the file" bash -c '(cd proj/sub && "$1" -f concise --select R110 ..) | grep -q R110' _ "$bin"
cfg "select: [R110, R150]" "ignore: [rds-instance-single-az]"
check "ignore from the file (by name)" bash -c '! (cd proj/sub && "$1" -f concise ..) | grep -q R110' _ "$bin"
cfg "select: [R110, R150]" "severity:" "  R110: error" "  R150: 'off'"
out=$(cd proj/sub && "$bin" -f concise ..)
check "severity override" grep -q 'db.yaml:6:16: error: .*\[R110\]' <<<"$out"
check "severity off disables a rule" bash -c '! grep -q R150 <<<"$1"' _ "$out"
cfg "select: [R110, R150]" "exclude: [legacy/, 'sub/bucket.*']"
out=$(cd proj/sub && "$bin" -f concise ..)
check "exclude globs and the default cdk.out/" [ "$(grep -c . <<<"$out")" = 1 ]
check "exclude keeps what it does not match" grep -q '^../sub/db.yaml:6:16' <<<"$out"
check "named files are linted unless --force-exclude" \
  [ "$(cd proj && "$bin" -f concise --select R110 legacy/db.yaml | grep -c .)" = 1 ]
check "--force-exclude applies excludes to named files" \
  [ -z "$(cd proj && "$bin" -f concise --force-exclude legacy/db.yaml sub/bucket.yaml)" ]
check "--exclude on the command line" \
  [ -z "$(cd proj && "$bin" -f concise --select R110,R150 --exclude 'sub/*.yaml' --exclude legacy/ .)" ]
cat >proj/rules/C901.yaml <<'YAML'
id: C901
name: bucket-name-required
severity: warning
title: Buckets in this project are named
source: "team convention"
check:
  resource-types: [AWS::S3::Bucket]
  when: {not: {property: BucketName, exists: true}}
  message: Bucket {resource} has no BucketName.
docs: {what: w, why: y, example: e, fix: f}
YAML
cfg "rule-directories: [rules]" "select: [C901]"
check "declarative rules from rule-directories run" \
  bash -c '(cd proj/sub && "$1" -f concise ..) | grep -q "bucket.yaml:2:3: warning: Bucket Logs has no BucketName. \[C901\]"' _ "$bin"
check "rule-directories rules are listed" bash -c '(cd proj && "$1" rules) | grep -q C901' _ "$bin"
printf 'id: C902\nname: code\nseverity: info\ntitle: t\nsource: s\nimplementation: graph\ndocs: {what: w, why: y, example: e, fix: f}\n' >proj/rules/C902.yaml
out=$(cd proj && "$bin" . 2>&1); status=$?
check "a graph rule in rule-directories is exit 2" [ "$status" = 2 ]
check "... saying rules there must be declarative" grep -q 'C902.yaml: .*must be declarative' <<<"$out"
rm proj/rules/C902.yaml
cfg "foreign-suppressions: false" "select: [R110]"
cp suppressed.yaml proj/sub/
check "foreign-suppressions: false" [ "$(cd proj && "$bin" -f json sub/suppressed.yaml | grep -c '"external"')" = 0 ]
rm proj/sub/suppressed.yaml
expect_config_error() {  # expect_config_error "line:col" "expected text" config lines...
  local at=$1 text=$2
  shift 2
  cfg "$@"
  local out status
  out=$(cd proj && "$bin" . 2>&1); status=$?
  check "bad configuration ($*) is exit 2" [ "$status" = 2 ]
  check "bad configuration ($*) names file, line and expectation" \
    grep -qF "/.stacklint.yaml:$at: $text" <<<"$out"
}
expect_config_error 2:1 "unknown setting \`fail_level\`; expected one of: fail-level" "select: [R110]" "fail_level: error"
expect_config_error 1:13 "\`fail-level\` must be error, warning, info or none" "fail-level: high"
expect_config_error 1:9 "\`select\` must be a list" "select: R110"
expect_config_error 1:16 "unknown rule R999" "ignore: [R110, R999]"
expect_config_error 2:9 "the severity of R110 must be error, warning, info or off" "severity:" "  R110: loud"
expect_config_error 1:10 "\`exclude\` must be a list" "exclude: {a: b}"
expect_config_error 1:23 "\`foreign-suppressions\` must be true or false" "foreign-suppressions: 1"
expect_config_error 1:20 "\`rule-directories\` names nowhere, which is not a folder" "rule-directories: [nowhere]"
printf 'fail-level: none\n' >other.yaml
check "--config names the file" [ "$(cd proj && status_of "$bin" --config ../other.yaml .)" = 0 ]
check "a missing --config file is exit 2" [ "$(status_of "$bin" --config nowhere.yaml db.yaml)" = 2 ]
rm proj/.stacklint.yaml

# --- baseline ---------------------------------------------------------------------------------
cp db.yaml base.yaml
check "--write-baseline exits 0" [ "$(status_of "$bin" --write-baseline baseline.json --select R110 base.yaml)" = 0 ]
check "the baseline records rule, file and location" python3 -c '
import json
b = json.load(open("baseline.json"))
assert b == {"stacklint-baseline": 1, "findings": [{"rule": "R110", "file": "base.yaml", "location": "Resources/Database/MultiAZ"}]}, b'
check "recorded findings are not reported" [ "$(status_of "$bin" --select R110 --baseline baseline.json base.yaml)" = 0 ]
check "text says how many the baseline hid" grep -q '; 1 in the baseline\.$' <<<"$("$bin" --select R110 --baseline baseline.json base.yaml)"
# Lines added above move the finding; it stays recorded.
{ printf 'Description: moved\nParameters:\n  Env: {Type: String, Default: dev}\n'; cat db.yaml; } >base.yaml
check "an edit elsewhere does not resurrect a recorded finding" [ "$(status_of "$bin" --select R110 --baseline baseline.json base.yaml)" = 0 ]
cat >>base.yaml <<'YAML'
  Second:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql}
YAML
out=$("$bin" -f concise --select R110 --baseline baseline.json base.yaml)
check "a new finding is reported" [ "$(grep -c . <<<"$out")" = 1 ]
check "... and it is the new one" grep -q 'Second' <<<"$out"
echo '{"findings": 3}' >bad-baseline.json
check "a malformed baseline is exit 2" [ "$(status_of "$bin" --baseline bad-baseline.json base.yaml)" = 2 ]

finish
