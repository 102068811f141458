#!/usr/bin/env bash
# --parameter-file and --parameter as users meet them: formats, precedence, errors with
# file:line:column, and findings that point into the parameter file in text, JSON and SARIF.
# Usage: tests/parameters_cli_test.sh path/to/stacklint
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"

cat >"$tmp/db.yaml" <<'YAML'
Parameters:
  DbMultiAz: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.medium
      StorageEncrypted: true
      MultiAZ: !Ref DbMultiAz
YAML
mkdir -p "$tmp/params"
printf '[\n  {"ParameterKey": "DbMultiAz", "ParameterValue": "false"}\n]\n' >"$tmp/params/prod.json"
printf '{"Parameters": {"DbMultiAz": "true"}, "Tags": {"Team": "a"}}\n' >"$tmp/params/pipeline.json"
printf 'DbMultiAz: maybe\n' >"$tmp/params/bad-value.yaml"
printf '[{"ParameterKey": "DbMultiAz", "ParameterValue": false}]\n' >"$tmp/params/malformed.json"

cd "$tmp" || exit 2
check "without values the Default decides: clean" test "$(status_of "$bin" db.yaml)" = 0
out=$("$bin" --parameter-file params/prod.json db.yaml 2>&1)
check "a value from a file replaces the Default" grep -q "R110" <<<"$out"
check "... the message names the value and the file" \
  grep -q "MultiAZ is false (the value of parameter DbMultiAz in params/prod.json)" <<<"$out"
check "... and the related location is in the parameter file" \
  grep -q "note: the value of parameter DbMultiAz in params/prod.json (params/prod.json:2:51)" <<<"$out"
check "a later file wins" \
  test "$(status_of "$bin" --parameter-file params/prod.json --parameter-file params/pipeline.json db.yaml)" = 0
check "--parameter beats files" \
  test "$(status_of "$bin" --parameter-file params/pipeline.json --parameter DbMultiAz=false db.yaml)" = 1
out=$("$bin" --parameter DbMultiAz=false db.yaml 2>&1)
check "a command-line value says so" grep -q "(the value of parameter DbMultiAz given on the command line)" <<<"$out"

out=$("$bin" --parameter-file params/malformed.json db.yaml 2>&1)
code=$?
check "a malformed parameter file is exit 2" test "$code" = 2
check "... with its file:line:column" grep -q "params/malformed.json:1:50: the ParameterValue of DbMultiAz must be a string" <<<"$out"
check "a missing parameter file is exit 2" test "$(status_of "$bin" --parameter-file params/none.json db.yaml)" = 2
check "--parameter without = is exit 2" test "$(status_of "$bin" --parameter DbMultiAz db.yaml)" = 2

out=$("$bin" --parameter-file params/bad-value.yaml --parameter Extra=1 db.yaml 2>&1)
check "a refused value is T050" grep -q "T050 parameter-value-invalid" <<<"$out"
check "an undeclared parameter is T051" grep -q "T051 parameter-not-declared" <<<"$out"

check "JSON names the related file" python3 - "$bin" <<'PY'
import json, subprocess, sys
out = subprocess.run([sys.argv[1], "--format", "json", "--parameter-file", "params/prod.json",
                      "db.yaml"], capture_output=True, text=True).stdout
finding = json.loads(out)["findings"][0]
assert finding["file"] == "db.yaml", finding
assert [(r["file"], r["line"], r["column"]) for r in finding["related"]] == \
    [("params/prod.json", 2, 51)], finding["related"]
PY
check "SARIF relatedLocations have their own artifact" python3 - "$bin" <<'PY'
import json, subprocess, sys
out = subprocess.run([sys.argv[1], "--format", "sarif", "--parameter-file", "params/prod.json",
                      "db.yaml"], capture_output=True, text=True).stdout
result = json.loads(out)["runs"][0]["results"][0]
main = result["locations"][0]["physicalLocation"]["artifactLocation"]
related = result["relatedLocations"][0]["physicalLocation"]
assert main["uri"] == "db.yaml", main
assert related["artifactLocation"] == {"uri": "params/prod.json", "uriBaseId": "%SRCROOT%"}, related
assert related["region"]["startLine"] == 2, related
PY
check "fingerprints of findings without supplied values are unchanged by the option" python3 - "$bin" <<'PY'
import json, subprocess, sys
def prints(*args):
    out = subprocess.run([sys.argv[1], "--format", "json", "--fail-level", "none", *args, "db.yaml"],
                         capture_output=True, text=True).stdout
    return [f["fingerprint"] for f in json.loads(out)["findings"] if f["rule"] != "T050"]
open("db.yaml", "a").write("  Other:\n    Type: AWS::RDS::DBInstance\n    Properties: {Engine: mysql}\n")
assert prints() == prints("--parameter", "DbMultiAz=true"), (prints(), prints("--parameter", "DbMultiAz=true"))
PY
finish
