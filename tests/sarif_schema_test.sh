#!/usr/bin/env bash
# SARIF output validated with a real validator (python3-jsonschema) against the official SARIF
# 2.1.0 schema, on a run with findings, a suppressed finding, an external suppression, related
# locations, a T001 parse failure and a missing path; then what GitHub code scanning relies on:
# rule properties, paths relative to the repository root (any working folder, any spelling),
# distinct and stable fingerprints, --no-suppressed; and Microsoft's SARIF Multitool with its
# GitHub rules when it is installed (skipped with a message otherwise).
set -euo pipefail
stacklint=$(realpath "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
schema="${SARIF_SCHEMA:-$(pwd)/../shared/sarif/sarif-schema-2.1.0.json}"
[ -f "$schema" ] || schema=/work/shared/sarif/sarif-schema-2.1.0.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > findings.yaml <<'YAML'
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MultiAZ: false
  Development:
    Type: AWS::RDS::DBInstance
    Metadata:
      stacklint: {ignore: [R110], reason: "a development database"}
    Properties:
      Engine: postgres
  Checked:
    Type: AWS::RDS::DBInstance
    Metadata:
      checkov:
        skip: [{id: CKV_AWS_157, comment: "accepted by the architecture board"}]
    Properties:
      Engine: postgres
YAML
printf 'Resources:\n  Bucket: {Type: AWS::S3::Bucket\n' > broken.yaml
status=0
"$stacklint" --root . --format sarif --output out.sarif findings.yaml broken.yaml missing.yaml || status=$?
[ "$status" = 2 ] || { echo "FAIL: expected exit 2 for a missing path, got $status"; exit 1; }

python3 - "$schema" out.sarif <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.validate(log, schema)  # raises with the path of the first violation

run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert ids == sorted(ids) and "R110" in ids and "T001" in ids, ids
for rule in rules:
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"], rule["id"]
    assert rule["help"]["markdown"].startswith("## What it does"), rule["id"]
    assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note"), rule["id"]
    props = rule["properties"]
    assert props["precision"] == "very-high", rule["id"]
    assert isinstance(props["tags"], list) and props["tags"], rule["id"]
    security = rule["id"].startswith("S2") or "security" in props["tags"]
    if security:
        # GitHub: a string holding a number from 0.0 to 10.0.
        value = props["security-severity"]
        assert isinstance(value, str) and 0.0 < float(value) <= 10.0, (rule["id"], value)
        assert "security" in props["tags"], rule["id"]
    else:
        assert "security-severity" not in props, rule["id"]
        assert props["problem.severity"] in ("error", "warning", "recommendation"), rule["id"]
assert {"S201", "S202"} <= {r["id"] for r in rules if "security-severity" in r["properties"]}
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
assert run["automationDetails"]["id"].startswith("stacklint/")
assert run["columnKind"] == "unicodeCodePoints"

results = run["results"]
by_rule = {}
for r in results:
    assert ids[r["ruleIndex"]] == r["ruleId"], r
    assert "stacklintFindingHash/v2" in r["partialFingerprints"], r
    assert isinstance(r["suppressions"], list), r
    by_rule.setdefault(r["ruleId"], []).append(r)
r110 = by_rule["R110"]
assert len(r110) == 3, r110
open_ = [r for r in r110 if not r["suppressions"]]
assert len(open_) == 1 and open_[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
kinds = sorted(r["suppressions"][0]["kind"] for r in r110 if r["suppressions"])
assert kinds == ["external", "inSource"], kinds
justifications = " ".join(r["suppressions"][0]["justification"] for r in r110 if r["suppressions"])
assert "a development database" in justifications and "architecture board" in justifications

t001 = by_rule["T001"]
assert len(t001) == 1 and t001[0]["level"] == "error"
assert t001[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.yaml"
invocation = run["invocations"][0]
assert invocation["executionSuccessful"] is False
notes = invocation["toolExecutionNotifications"]
assert any(n.get("associatedRule", {}).get("id") == "T001" for n in notes), notes
assert any("missing.yaml" in n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
           for n in notes), notes
print("SARIF valid against", sys.argv[1], "with", len(results), "results")
PY

# Related locations (graph edges), linked from the message: the example VPC's R101 finding.
"$stacklint" --fail-level none --format sarif "$repo/examples/vpc-single-nat.yaml" >"$work/related.sarif"
python3 - "$schema" "$work/related.sarif" <<'PY'
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
run = json.load(open(sys.argv[2]))["runs"][0]
r101 = [r for r in run["results"] if r["ruleId"] == "R101"]
assert len(r101) == 1, r101
related = r101[0]["relatedLocations"]
assert len(related) >= 2, related
for i, location in enumerate(related, start=1):
    assert location["id"] == i
    assert "[" + location["message"]["text"] + "](" + str(i) + ")" in r101[0]["message"]["text"]
print("SARIF related locations valid and linked from the message")
PY

# Paths relative to the repository root, whatever the working folder and the spelling of the
# input path; a file outside the root keeps an absolute file:// URI; GitLab and JUnit agree.
mkdir -p "$work/repo/.git" "$work/repo/infra/sub" "$work/elsewhere"
cp "$work/findings.yaml" "$work/repo/infra/db.yaml"
cp "$work/findings.yaml" "$work/elsewhere/other.yaml"
check_paths() {  # $1: expected root folder; then the stacklint arguments
  local root=$1
  shift
  "$stacklint" --fail-level none --format sarif --output "$work/p.sarif" --format gitlab \
    --output "$work/p.gitlab.json" --format junit --output "$work/p.junit.xml" "$@"
  python3 - "$schema" "$work/p.sarif" "$work/p.gitlab.json" "$work/p.junit.xml" "$root" <<'PY'
import json, sys, jsonschema, xml.etree.ElementTree as ET
log = json.load(open(sys.argv[2]))
jsonschema.validate(log, json.load(open(sys.argv[1])))
run = log["runs"][0]
root = sys.argv[5].rstrip("/") + "/"
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + root, run["originalUriBaseIds"]
uris = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"], sort_keys=True)
        for r in run["results"]}
inside = json.dumps({"uri": "infra/db.yaml", "uriBaseId": "%SRCROOT%"}, sort_keys=True)
assert inside in uris, uris
outside = [json.loads(u) for u in uris if u != inside]
for location in outside:
    assert "uriBaseId" not in location and location["uri"].startswith("file:///"), location
    assert location["uri"].endswith("/elsewhere/other.yaml"), location
gitlab_paths = {issue["location"]["path"] for issue in json.load(open(sys.argv[3]))}
assert "infra/db.yaml" in gitlab_paths, gitlab_paths
junit = ET.parse(sys.argv[4]).getroot()
files = {case.get("file") for case in junit.iter("testcase")}
assert "infra/db.yaml" in files, files
PY
}
cd "$work/repo/infra/sub"
check_paths "$work/repo" ../db.yaml
check_paths "$work/repo" ./../db.yaml "$work/elsewhere/other.yaml"
check_paths "$work/repo" "$work/repo/infra/db.yaml" ../../../elsewhere/other.yaml
cd "$work/repo"
check_paths "$work/repo" infra/db.yaml
# The repository named through a symbolic link: the same file, so the same relative path.
ln -s "$work/repo" "$work/link"
check_paths "$work/repo" "$work/link/infra/db.yaml"
# A .git file (a worktree or a submodule) marks the root as well as a .git folder.
mkdir -p "$work/wt/infra" && printf 'gitdir: /nowhere\n' >"$work/wt/.git"
cp "$work/findings.yaml" "$work/wt/infra/db.yaml"
cd "$work/wt/infra" && check_paths "$work/wt" db.yaml
# --root wins over the repository; relative to the working folder.
mkdir -p "$work/repo/x/infra" && cp "$work/findings.yaml" "$work/repo/x/infra/db.yaml"
cd "$work/repo/x/infra" && check_paths "$work/repo/x" --root .. db.yaml
# Folders walked outside the root, named absolute (as CI scripts do) or relative: the walk's
# listing tells which entries are no links, and links are still followed: a plain file keeps
# its absolute path, a link beside it to a file in the root, a folder named through a link into
# the root and a folder below that are paths relative to the root.
mkdir -p "$work/out/walked/deeper" "$work/repo/infra/linked/deeper"
cp "$work/findings.yaml" "$work/out/walked/plain.yaml"
cp "$work/findings.yaml" "$work/out/walked/deeper/plain.yaml"
cp "$work/findings.yaml" "$work/repo/infra/linked/l.yaml"
cp "$work/findings.yaml" "$work/repo/infra/linked/deeper/d.yaml"
ln -s "$work/repo/infra/db.yaml" "$work/out/walked/to-root.yaml"
ln -s "$work/repo/infra/linked" "$work/out/folder-link"
walked_paths() {  # the stacklint arguments; prints the GitLab paths, and checks SARIF agrees
  "$stacklint" --root "$work/repo" --fail-level none --format gitlab --output "$work/w.json" \
    --format sarif --output "$work/w.sarif" "$@"
  python3 - "$work/w.json" "$work/w.sarif" "$work/repo" <<'PY'
import json, sys
paths = sorted({issue["location"]["path"] for issue in json.load(open(sys.argv[1]))})
run = json.load(open(sys.argv[2]))["runs"][0]
uris = set()
for result in run["results"]:
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    uris.add(location["uri"] if "uriBaseId" in location else location["uri"][len("file://"):])
assert uris == set(paths), (uris, paths)
print(" ".join(paths))
PY
}
expected="$work/out/walked/deeper/plain.yaml $work/out/walked/plain.yaml infra/db.yaml"
expected+=" infra/linked/deeper/d.yaml infra/linked/l.yaml"
got=$(cd "$work" && walked_paths "$work/out/walked" "$work/out/folder-link")
[ "$got" = "$expected" ] || { echo "FAIL: walked absolute folders: $got"; exit 1; }
got=$(cd "$work/out" && walked_paths walked ./folder-link)
[ "$got" = "$expected" ] || { echo "FAIL: walked relative folders: $got"; exit 1; }
got=$(cd "$work/repo/infra/sub" && walked_paths ../../../out/walked ../../../out/folder-link)
[ "$got" = "$expected" ] || { echo "FAIL: walked folders through ..: $got"; exit 1; }
cd "$work"
echo "SARIF, GitLab and JUnit paths relative to the repository root"

# partialFingerprints are distinct for distinct findings: two undefined conditions on one
# resource (one finding path), a key repeated twice with the same message, and Fn::Sub variables.
cat >"$work/same.yaml" <<'YAML'
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Condition: IsProd
    Properties:
      TopicName: !If [IsDev, a, b]
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${Missing}-${AlsoMissing}-${Gone}"
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {}
    Properties: {}
    Properties: {}
YAML
"$stacklint" --root "$work" --fail-level none --format sarif same.yaml >"$work/same.sarif"
python3 - "$work/same.sarif" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
rules = sorted(r["ruleId"] for r in results)
assert rules.count("T002") == 2 and rules.count("T013") == 3 and rules.count("T014") == 2, rules
hashes = [r["partialFingerprints"]["stacklintFindingHash/v2"] for r in results]
assert len(set(hashes)) == len(hashes), hashes
PY
# ... and do not move when lines are inserted above the findings (T002's message names a line).
{ printf 'Description: moved down\n\n'; cat "$work/same.yaml"; } >"$work/moved.yaml"
mkdir -p "$work/m" && cp "$work/moved.yaml" "$work/m/same.yaml"
(cd "$work/m" && "$stacklint" --root . --fail-level none --format sarif same.yaml >"$work/moved.sarif")
python3 - "$work/same.sarif" "$work/moved.sarif" <<'PY'
import json, sys
def hashes(p):
    return sorted(r["partialFingerprints"]["stacklintFindingHash/v2"]
                  for r in json.load(open(p))["runs"][0]["results"])
assert hashes(sys.argv[1]) == hashes(sys.argv[2])
PY
echo "SARIF fingerprints distinct and stable"

# --no-suppressed leaves suppressed findings out of SARIF (and JSON, JUnit).
"$stacklint" --root "$work" --no-suppressed --format sarif --output ns.sarif --format json \
  --output ns.json --format junit --output ns.xml findings.yaml || true
python3 - <<'PY'
import json, xml.etree.ElementTree as ET
results = json.load(open("ns.sarif"))["runs"][0]["results"]
r110 = [r for r in results if r["ruleId"] == "R110"]
assert len(r110) == 1 and all(not r["suppressions"] for r in results), r110
assert not any(f["suppressed"] for f in json.load(open("ns.json"))["findings"])
assert not list(ET.parse("ns.xml").getroot().iter("skipped"))
PY
echo "--no-suppressed leaves suppressed findings out"

# Microsoft's SARIF Multitool with its GitHub rules, when it is installed (npm
# @microsoft/sarif-multitool): no error or warning on a run with findings inside and outside the
# root and a suppression.
multitool=$(command -v sarif 2>/dev/null || true)
if [ -z "$multitool" ] && command -v npm >/dev/null; then
  candidate="$(npm root -g 2>/dev/null)/@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  [ -x "$candidate" ] && multitool=$candidate
fi
if [ -z "$multitool" ]; then
  echo "SKIP: SARIF Multitool not installed (npm install -g @microsoft/sarif-multitool)"
  exit 0
fi
cd "$work/repo/infra/sub"
"$stacklint" --fail-level none --format sarif --output "$work/gh.sarif" ../db.yaml \
  "$work/elsewhere/other.yaml" "$repo/examples/vpc-single-nat.yaml"
"$multitool" validate --rule-kind "Gh;Sarif" --level "Error;Warning;Note" --log ForceOverwrite \
  --output "$work/validation.sarif" "$work/gh.sarif" >"$work/validation.log" 2>&1 ||
  { cat "$work/validation.log"; echo "FAIL: SARIF Multitool could not validate"; exit 1; }
python3 - "$work/validation.sarif" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
# SARIF2005 asks for tool.driver.informationUri: stacklint has no public home page to name yet
# (the README's recipes say github.com/<owner>/stacklint); the only warning accepted.
bad = [(r["ruleId"], r["message"].get("arguments")) for r in results
       if r.get("level", "warning") in ("error", "warning") and r.get("kind", "fail") == "fail"
       and r["ruleId"] != "SARIF2005"]
assert not bad, bad
print("SARIF Multitool (GitHub and SARIF rules): no error or warning;",
      len(results), "notes")
PY
