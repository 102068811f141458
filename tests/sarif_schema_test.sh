#!/usr/bin/env bash
# SARIF output validated with a real validator (python3-jsonschema) against the official SARIF
# 2.1.0 schema, on a run with findings, a suppressed finding, an external suppression, related
# locations, a T001 parse failure and a missing path; then what GitHub code scanning relies on.
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
"$stacklint" --format sarif --output out.sarif findings.yaml broken.yaml missing.yaml || status=$?
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
assert run["automationDetails"]["id"].startswith("stacklint/")
assert run["columnKind"] == "unicodeCodePoints"

results = run["results"]
by_rule = {}
for r in results:
    assert ids[r["ruleIndex"]] == r["ruleId"], r
    assert "stacklintFindingHash/v1" in r["partialFingerprints"], r
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
