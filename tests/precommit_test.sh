#!/usr/bin/env bash
# The real pre-commit, offline: a temporary git repository uses this project's
# .pre-commit-hooks.yaml (from a local copy of the hook repository), rejects a commit of a bad
# template with the finding printed, and accepts a good one.
set -euo pipefail
stacklint=$(realpath "$1")
source_dir=$(pwd)
command -v pre-commit >/dev/null || { echo "pre-commit is not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$stacklint"):$PATH"
export PRE_COMMIT_HOME="$work/cache" HOME="$work"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com

# The hook repository: the hooks file as it is in the working tree, committed.
hooks="$work/hooks"
mkdir -p "$hooks"
cp "$source_dir/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -qm hooks
rev=$(git -C "$hooks" rev-parse HEAD)

source "$source_dir/tests/lib/precommit.sh"
precommit_project "$work/project" "$hooks" "$rev" stacklint

cp "$source_dir/tests/lib/single-az-database.yaml" database.yaml
# Not CloudFormation: skipped, even though it is named by pre-commit.
printf 'name: ci\non: push\n' > workflow.yml
mkdir -p cdk.out
printf 'Resources: {B: {Type: AWS::S3::Bucket}}\n' > cdk.out/Stack.template.json
git add database.yaml workflow.yml cdk.out
if git commit -m bad >"$work/bad.log" 2>&1; then
  echo "FAIL: a commit with a single-AZ database was accepted"
  cat "$work/bad.log"
  exit 1
fi
grep -q 'database.yaml:6:16: warning: .*\[R110 rds-instance-single-az\]' "$work/bad.log" || {
  echo "FAIL: the rejected commit does not print the finding"
  cat "$work/bad.log"
  exit 1
}
if grep -q 'workflow.yml\|cdk.out' "$work/bad.log"; then
  echo "FAIL: a file that is not CloudFormation, or generated output, was linted"
  cat "$work/bad.log"
  exit 1
fi

sed -i 's/MultiAZ: false/MultiAZ: true/' database.yaml
git add database.yaml
git commit -qm good >"$work/good.log" 2>&1 || {
  echo "FAIL: a commit of a good template was rejected"
  cat "$work/good.log"
  exit 1
}
echo "pre-commit: bad template rejected with its finding, good template accepted"
