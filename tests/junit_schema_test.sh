#!/usr/bin/env bash
# JUnit XML checked against the Jenkins JUnit schema (jenkins-junit.xsd, as published with
# Jenkins' xunit plugin, MIT): the elements each element may hold, the attributes each may carry
# and those it must carry, written out below as tables rather than copied; then the counts'
# meaning (`failures` counts failed testcases, not <failure> elements) and `file` on every
# testcase, relative to the repository root as in SARIF and GitLab.
set -euo pipefail
stacklint=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/.git" "$work/repo/infra"
cd "$work/repo/infra"
# Two findings of one rule in one file (one failed testcase), a suppressed one (skipped), a
# clean file, a file that cannot be parsed (T001) and a missing path (an error of the run).
cat > two.yaml <<'YAML'
Resources:
  Primary:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, MultiAZ: false}
  Secondary:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, MultiAZ: false}
  Development:
    Type: AWS::RDS::DBInstance
    Metadata:
      stacklint: {ignore: [R110], reason: "a development database"}
    Properties: {Engine: postgres}
YAML
cat > clean.yaml <<'YAML'
Resources:
  Topic: {Type: AWS::SNS::Topic}
YAML
printf 'Resources:\n  Bucket: {Type: AWS::S3::Bucket\n' > broken.yaml
status=0
"$stacklint" --format junit --output "$work/out.xml" two.yaml clean.yaml broken.yaml \
  "$work/repo/infra/two.yaml" missing.yaml || status=$?
[ "$status" = 2 ] || { echo "FAIL: expected exit 2 for a missing path, got $status"; exit 1; }

python3 - "$work/out.xml" <<'PY'
import sys, xml.etree.ElementTree as ET

# The Jenkins JUnit schema, element by element: children allowed, attributes allowed, attributes
# required, and whether text is allowed (mixed content or a string type).
ANY_COUNTS = {"tests", "failures", "errors", "skipped", "disabled", "skips", "skip", "assertions"}
SCHEMA = {
    "testsuites": ({"testsuite"},
                   {"name", "time", "tests", "failures", "disabled", "errors"}, set(), False),
    "testsuite": ({"testsuite", "properties", "testcase", "system-out", "system-err"},
                  {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "skips",
                   "timestamp", "hostname", "id", "package", "assertions", "file", "skip", "log",
                   "url"}, {"tests"}, False),
    "testcase": ({"skipped", "error", "failure", "system-out", "system-err"},
                 {"name", "assertions", "time", "timestamp", "classname", "status", "class",
                  "file", "line", "log", "group", "url"}, {"name"}, False),
    "failure": (set(), {"type", "message"}, set(), True),
    "error": (set(), {"type", "message"}, set(), True),
    "skipped": (set(), {"type", "message"}, set(), True),
    "properties": ({"property"}, set(), set(), False),
    "property": (set(), {"name", "value"}, {"name", "value"}, False),
    "system-out": (set(), set(), set(), True),
    "system-err": (set(), set(), set(), True),
}

def validate(element, where):
    assert element.tag in SCHEMA, where + ": unknown element " + element.tag
    children, allowed, required, text = SCHEMA[element.tag]
    extra = set(element.attrib) - allowed
    assert not extra, (where, "attributes the schema does not allow", extra)
    missing = required - set(element.attrib)
    assert not missing, (where, "required attributes missing", missing)
    if not text:
        assert not (element.text or "").strip(), (where, "text in element-only content")
    for i, child in enumerate(element):
        assert child.tag in children, (where, "child not allowed", child.tag)
        assert not (child.tail or "").strip() or text, (where, "text between children")
        validate(child, "%s/%s[%d]" % (where, child.tag, i))

root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
validate(root, "testsuites")

# Counts: per suite and in total, failures are failed testcases (a testcase with a <failure>).
def failed(case): return case.find("failure") is not None
total_tests = total_failures = total_errors = 0
for suite in root.iter("testsuite"):
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases), suite.attrib
    assert int(suite.get("failures")) == sum(failed(c) for c in cases), suite.attrib
    assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
    assert int(suite.get("skipped", "0")) == sum(c.find("skipped") is not None for c in cases)
    assert int(suite.get("failures")) <= int(suite.get("tests")), suite.attrib
    total_tests += len(cases)
    total_failures += sum(failed(c) for c in cases)
    total_errors += int(suite.get("errors"))
assert int(root.get("tests")) == total_tests, root.attrib
assert int(root.get("failures")) == total_failures, root.attrib
assert int(root.get("errors")) == total_errors, root.attrib

# Every testcase of a template carries `file`, relative to the repository root whatever the
# spelling of the path (two.yaml is also named by its absolute path).
suites = {s.get("name"): s for s in root.iter("testsuite")}
assert "infra/two.yaml" in suites and "infra/clean.yaml" in suites, list(suites)
for name, suite in suites.items():
    if name == "stacklint":
        continue  # the run's own errors (a missing path): no template to name
    assert suite.get("file") == name, suite.attrib
    for case in suite.iter("testcase"):
        assert case.get("file") == name, case.attrib
assert not [n for n in suites if n.startswith("/")], list(suites)  # no absolute spelling left
two = [s for s in root.iter("testsuite") if s.get("name") == "infra/two.yaml"]
r110 = [c for c in two[0] if c.get("name", "").startswith("R110")]
assert len(r110) == 1 and len(r110[0].findall("failure")) == 2, r110
assert two[0].get("failures") == str(sum(failed(c) for c in two[0])), two[0].attrib
assert [c.find("error") for c in suites["stacklint"].iter("testcase")], "missing path"
print("JUnit valid against the Jenkins JUnit schema's rules:", total_tests, "testcases,",
      total_failures, "failed")
PY
