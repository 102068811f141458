#!/bin/sh
# Regenerates src/spec/data/spec.jsonl, the compiled-in resource specification, from the newest
# (or the given) versions of its two sources. Maintainers run this; building, testing and
# running stacklint never reach the network.
#
#   tools/update-spec.sh [SERVICE_SPEC_VERSION [CFN_LINT_VERSION]]
#
# Needs npm and python3 (and pip, which only downloads cfn-lint's wheel; nothing is installed).
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
# CFNLINT_DIR names an unpacked or installed cfnlint package folder; otherwise pip downloads the
# wheel, and where PyPI is out of reach, the cfn-lint installed for python3 is used.
if [ -z "${CFNLINT_DIR:-}" ]; then
  if pip download --quiet --no-deps --only-binary=:all: -d "$work/wheel" \
    "cfn-lint${cfnlint_version:+==$cfnlint_version}" 2>/dev/null; then
    python3 -m zipfile -e "$work"/wheel/cfn_lint-*.whl "$work/cfnlint"
    CFNLINT_DIR=$work/cfnlint/cfnlint
  else
    CFNLINT_DIR=$(python3 -c 'import importlib.util as u; print(u.find_spec("cfnlint").submodule_search_locations[0])')
    echo "update-spec: PyPI unreachable; using the installed cfn-lint at $CFNLINT_DIR" >&2
  fi
fi

python3 "$root/tools/spec_generate.py" "$work/package/db.json.gz" "$spec_version" \
  "$CFNLINT_DIR" "$root/src/spec/data/spec.jsonl"
head -1 "$root/src/spec/data/spec.jsonl"
