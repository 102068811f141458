#!/bin/sh
# Regenerates src/spec/data/spec.jsonl, the compiled-in resource specification, from the newest
# (or the given) versions of its two sources. Maintainers run this; building, testing and
# running stacklint never reach the network.
#
#   tools/update-spec.sh [SERVICE_SPEC_VERSION [CFN_LINT_VERSION]]
#
# Needs npm, python3 and pip (pip only downloads cfn-lint's wheel; nothing is installed).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
spec_version=${1:-latest}
cfnlint_version=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# @aws-cdk/aws-service-spec (Apache-2.0): structure, required flags, attributes, documentation.
(cd "$work" && npm pack --silent "@aws-cdk/aws-service-spec@$spec_version" >/dev/null)
tar -xzf "$work"/aws-cdk-aws-service-spec-*.tgz -C "$work"
spec_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$work/package/package.json")

# cfn-lint (MIT-0) bundles the CloudFormation registry schemas: enum, pattern, ranges, lengths.
pip download --quiet --no-deps --only-binary=:all: -d "$work/wheel" \
  "cfn-lint${cfnlint_version:+==$cfnlint_version}"
python3 -m zipfile -e "$work"/wheel/cfn_lint-*.whl "$work/cfnlint"

python3 "$root/tools/spec_generate.py" "$work/package/db.json.gz" "$spec_version" \
  "$work/cfnlint/cfnlint" "$root/src/spec/data/spec.jsonl"
head -1 "$root/src/spec/data/spec.jsonl"
