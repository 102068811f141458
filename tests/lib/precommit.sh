# For the pre-commit tests: source it, then `precommit_project DIR REPO REV HOOK` makes DIR a git
# repository whose .pre-commit-config.yaml uses HOOK of the hook repository REPO at REV, commits
# that, installs pre-commit's git hook, and changes into DIR. Its .stacklint.yaml selects only
# R110, the rule the tests are about, so that new rules do not change their outcome; this also
# shows that the hook reads .stacklint.yaml.
precommit_project() {
  local dir=$1 repo=$2 rev=$3 hook=$4
  mkdir -p "$dir"
  cd "$dir" || return 1
  git init -q
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' "$repo" "$rev" "$hook" \
    >.pre-commit-config.yaml
  printf 'select: [R110]\n' >.stacklint.yaml
  git add .pre-commit-config.yaml .stacklint.yaml
  git commit -qm config
  pre-commit install >/dev/null
}
