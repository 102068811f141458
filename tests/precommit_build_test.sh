#!/usr/bin/env bash
# The `stacklint-build` hook with Debian's real pre-commit, offline: the hook repository is a
# clone of this one (its working tree as it is, committed, and a tag made in that clone only),
# named by path and tag as a project names the published one. The first run builds stacklint in
# pre-commit's clone (three hook processes started at once build it once), later runs reuse it,
# a bad template is rejected with its finding and a good one accepted; with a prerequisite
# missing, the hook fails with the apt-get line that installs it.
# About 2-3 minutes on 2 cores the first time (one compile of stacklint), seconds with ccache.
set -euo pipefail
source_dir=$(pwd)
command -v pre-commit >/dev/null || { echo "pre-commit is not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# ccache keeps its cache where it was (HOME changes below); the hook makes paths relative.
if command -v ccache >/dev/null; then
  CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  export CCACHE_DIR
fi
export PRE_COMMIT_HOME="$work/cache" HOME="$work"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
version=$(sed -n 's/^project(stacklint VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
tag="v$version"

# The hook repository: a clone, with the working tree's files (tracked and new) committed on top.
hooks="$work/hooks"
git clone -q "$source_dir" "$hooks"
git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
  tar -C "$source_dir" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$hooks" -xf -
git -C "$hooks" add -A
git -C "$hooks" commit -qm "working tree" --allow-empty
# -f: the clone may already carry the release tag; here it must name the commit just made.
git -C "$hooks" tag -f -a "$tag" -m "stacklint $version (test)" >/dev/null

# --- a missing prerequisite: the exact apt-get line, nothing built ---------------------------
# A PATH without cmake, and a dpkg-query that knows every package but libre2-dev.
fake="$work/fake-bin"
mkdir -p "$fake"
for tool in /usr/bin/* /bin/*; do
  name=$(basename "$tool")
  case $name in cmake | dpkg-query) continue ;; esac
  [ -e "$fake/$name" ] || ln -s "$tool" "$fake/$name"
done
cat >"$fake/dpkg-query" <<'FAKE'
#!/bin/sh
for last; do :; done
[ "$last" = libre2-dev ] && { echo "dpkg-query: no packages found matching $last" >&2; exit 1; }
printf installed
FAKE
chmod +x "$fake/dpkg-query"
status=0
PATH="$fake" "$hooks/packaging/pre-commit-build" "$source_dir/examples/web-app.yaml" \
  >"$work/missing.log" 2>&1 || status=$?
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo "
if [ "$status" = 0 ] || ! grep -qx "${sudo}apt-get install -y cmake libre2-dev" "$work/missing.log"; then
  echo "FAIL: with cmake and libre2-dev missing, the hook does not fail with their apt-get line"
  cat "$work/missing.log"
  exit 1
fi
[ ! -e "$hooks/.hook-build" ] || { echo "FAIL: a build started without its prerequisites"; exit 1; }
echo "ok: a missing prerequisite is named with: ${sudo}apt-get install -y cmake libre2-dev"

# --- the project ------------------------------------------------------------------------------
source "$source_dir/tests/lib/precommit.sh"
precommit_project "$work/project" "$hooks" "$tag" stacklint-build
pre-commit install-hooks >/dev/null
clone=$(dirname "$(dirname "$(find "$PRE_COMMIT_HOME" -path '*/packaging/pre-commit-build' | head -1)")")
[ -x "$clone/packaging/pre-commit-build" ] || { echo "FAIL: pre-commit did not clone the hook repository"; exit 1; }
[ "$(git -C "$clone" rev-parse HEAD)" = "$(git -C "$hooks" rev-parse "$tag^{commit}")" ] || {
  echo "FAIL: pre-commit's clone is not at $tag"; exit 1
}

cp "$source_dir/tests/lib/single-az-database.yaml" database.yaml
# Three hook processes at once, as pre-commit starts them for many files: one build.
start=$(date +%s)
for i in 1 2 3; do
  (
    status=0
    "$clone/packaging/pre-commit-build" --select R110 database.yaml >"$work/run$i.log" 2>&1 || status=$?
    echo "$status" >"$work/run$i.status"
  ) &
done
wait
echo "first use: $(($(date +%s) - start)) s (the build)"
for i in 1 2 3; do
  if [ "$(cat "$work/run$i.status")" != 1 ] || ! grep -q 'database.yaml:6:16: warning: .*\[R110' "$work/run$i.log"; then
    echo "FAIL: concurrent hook process $i did not report the finding (status $(cat "$work/run$i.status"))"
    cat "$work/run$i.log" "$clone/.hook-build.log" 2>/dev/null | tail -40
    exit 1
  fi
done
builds=$(grep -c '^stacklint-build: building stacklint in' "$clone/.hook-build.log")
[ "$builds" = 1 ] || { echo "FAIL: $builds builds for three concurrent hook processes"; exit 1; }
[ -z "$(find "$clone" -maxdepth 1 -name '.hook-build.??????')" ] || { echo "FAIL: a temporary build folder was left"; exit 1; }
echo "ok: three concurrent hook processes, one build, each reported the finding"

# Through git commit: rejected with the finding, then accepted when fixed; the build is reused.
printf 'name: ci\non: push\n' >workflow.yml
git add database.yaml workflow.yml
if git commit -m bad >"$work/bad.log" 2>&1; then
  echo "FAIL: a commit with a single-AZ database was accepted"; cat "$work/bad.log"; exit 1
fi
grep -q 'database.yaml:6:16: warning: .*\[R110 rds-instance-single-az\]' "$work/bad.log" || {
  echo "FAIL: the rejected commit does not print the finding"; cat "$work/bad.log"; exit 1
}
if grep -q 'workflow.yml' "$work/bad.log"; then
  echo "FAIL: a file that is not CloudFormation was linted"; cat "$work/bad.log"; exit 1
fi
sed -i 's/MultiAZ: false/MultiAZ: true/' database.yaml
git add database.yaml
git commit -qm good >"$work/good.log" 2>&1 || {
  echo "FAIL: a commit of a good template was rejected"; cat "$work/good.log"; exit 1
}
builds=$(grep -c '^stacklint-build: building stacklint in' "$clone/.hook-build.log")
[ "$builds" = 1 ] || { echo "FAIL: the hook built again ($builds builds) instead of reusing"; exit 1; }
echo "ok: pre-commit with stacklint-build: bad template rejected with its finding, good accepted, build reused"
