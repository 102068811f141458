#!/usr/bin/env bash
# Issue 12, items 6-7: custom rules fail loudly, and a command line with ruff's manners
# (selectors, --quiet, --statistics, "did you mean", help, colour, .gitignore, missing paths).
# Usage: tests/cli_manners_test.sh path/to/stacklint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"
readme="$(cd "$(dirname "$0")/.." && pwd)/README.md"
cd "$tmp" || exit 1
has() { grep -qF -- "$1" <<<"$2"; }
lacks() { ! grep -qF -- "$1" <<<"$2"; }

cp "$single_az_database" db.yaml

# --- 6. custom rules: validated at load like the built-in ones ---
mkdir -p custom/rules
printf 'rule-directories: [rules]\n' >custom/.stacklint.yaml
rule_file() {  # the body of a valid custom rule with $1 as its `when`
  cat <<YAML
id: X001
name: bucket-without-versioning
severity: warning
title: Bucket without versioning
source: our team's notes
tags: [custom]
docs: {what: a, why: b, example: c, fix: d}
check:
  resource-types: [AWS::S3::Bucket]
  when: $1
  message: "{resource} keeps no versions"
  report-at: [VersioningConfiguration.Status]
YAML
}
cat >custom/bucket.yaml <<'YAML'
Resources:
  Logs:
    Type: AWS::S3::Bucket
YAML
rule_file '{not: {property: VersioningConfiguration.Status, equals: Enabled}}' >custom/rules/X001.yaml
out=$(cd custom && "$bin" bucket.yaml 2>&1)
check "a valid custom rule runs (exit 1)" test "$(cd custom && status_of "$bin" bucket.yaml)" = 1
check "... and reports" has "Logs keeps no versions [X001 bucket-without-versioning]" "$out"
out=$(cd custom && "$bin" rules)
check "rules shows a built-in rule's origin" bash -c "grep -q '^R110 .*(built-in)\$' <<<\"\$1\"" _ "$out"
check "rules shows a custom rule's file" bash -c "grep -q '^X001 .*(.*custom/rules/X001.yaml)\$' <<<\"\$1\"" _ "$out"
check "rules --format json carries the origin" \
  bash -c "cd custom && '$bin' rules -f json | python3 -c 'import json,sys; d={r[\"id\"]: r[\"origin\"] for r in json.load(sys.stdin)}; assert d[\"R110\"]==\"built-in\" and d[\"X001\"].endswith(\"rules/X001.yaml\")'"

# Each broken rule: exit 2, "file:line:column: message", and no "No problems found".
expect_rule_error() {
  local what=$1 at=$2 text=$3 when=$4
  rule_file "$when" >custom/rules/X001.yaml
  local out code
  out=$(cd custom && "$bin" bucket.yaml 2>&1)
  code=$?
  check "custom rule with $what: exit 2 (status $code)" test "$code" = 2
  check "... reported at X001.yaml:$at with '$text'" has "rules/X001.yaml:$at: $text" "$out"
  check "... and nothing is linted" lacks "No problems found" "$out"
}
expect_rule_error "exist: for exists:" 10:52 "unknown key \`exist\` in a condition; did you mean \`exists\`?" \
  '{property: VersioningConfiguration.Status, exist: true}'
expect_rule_error "an invalid regular expression" 10:41 "invalid regular expression \`(unclosed\`" \
  '{property: BucketName, matches: "(unclosed"}'
expect_rule_error "a malformed property path" 10:20 "malformed property \`VersioningConfiguration..Status\`" \
  '{property: VersioningConfiguration..Status, exists: true}'
expect_rule_error "a list where a value belongs" 10:40 "\`equals\` takes a scalar value" \
  '{property: BucketName, equals: [a, b]}'
expect_rule_error "a number operator on a word" 10:46 "\`greater-than\` takes a number" \
  '{property: BucketName, greater-than: many}'
expect_rule_error "all: that is not a list" 10:15 "\`all\` takes a non-empty list of conditions" \
  '{all: {property: BucketName, exists: true}}'
rule_file '{property: BucketName, exists: true}' | sed 's/^severity:/severty:/' >custom/rules/X001.yaml
out=$(cd custom && "$bin" bucket.yaml 2>&1)
check "a misspelled top-level key is an error with a suggestion" \
  has "X001.yaml:3:1: unknown key \`severty\` in a rule file; did you mean \`severity\`?" "$out"
rule_file '{property: BucketName, exists: true}' | sed 's/^tags: .*/tags: custom/' >custom/rules/X001.yaml
out=$(cd custom && "$bin" bucket.yaml 2>&1)
check "a wrong type (tags: a string) is an error at the value" has "X001.yaml:6:7: \`tags\` is a list" "$out"
rule_file '{property: BucketName, exists: true}' | sed 's/^  report-at: .*/  report-at: ["A..B"]/' >custom/rules/X001.yaml
out=$(cd custom && "$bin" bucket.yaml 2>&1)
check "a malformed report-at path is an error" has "X001.yaml:12:15: malformed report-at path \`A..B\`" "$out"
# Two problems in one file: both are reported in one run.
rule_file '{any: [{property: A, exist: true}, {property: B, matches: "["}]}' >custom/rules/X001.yaml
out=$(cd custom && "$bin" rules 2>&1)
check "every problem of a rule file is reported at once" \
  bash -c "[ \$(grep -c 'X001.yaml:10:' <<<\"\$1\") = 2 ]" _ "$out"
check "... and the rules command fails too" test "$(cd custom && status_of "$bin" rules)" = 2

# --- 7. selectors: ids, names, id prefixes, tags; spaces after commas ---
ids_of() { "$bin" --fail-level none -f json "$@" db.yaml | python3 -c 'import json,sys; print(" ".join(sorted({f["rule"]["id"] if isinstance(f["rule"],dict) else f["rule"] for f in json.load(sys.stdin)["findings"]})))'; }
all=$(ids_of)
check "db.yaml has findings of R110 and S201" test "$all" = "R110 S201"
check "--select by id" test "$(ids_of --select R110)" = "R110"
check "--select by name" test "$(ids_of --select rds-storage-unencrypted)" = "S201"
check "--select by id prefix R1" test "$(ids_of --select R1)" = "R110"
check "--select by id prefix S" test "$(ids_of --select S)" = "S201"
check "--select by tag (security)" test "$(ids_of --select security)" = "S201"
check "--select by tag (resilience)" test "$(ids_of --select resilience)" = "R110"
check "--select with a space after the comma" test "$(ids_of --select 'R110, S201')" = "R110 S201"
check "--ignore by prefix" test "$(ids_of --ignore 'T0, R1')" = "S201"
check "--ignore by tag" test "$(ids_of --ignore resilience)" = "S201"
printf 'select: ["R110, S2"]\n' >.stacklint.yaml
check ".stacklint.yaml select with spaces and a prefix" test "$(ids_of)" = "R110 S201"
printf 'ignore: [security]\n' >.stacklint.yaml
check ".stacklint.yaml ignore by tag" test "$(ids_of)" = "R110"
printf 'ignore: [R110, rds-instanse-single-az]\n' >.stacklint.yaml
out=$("$bin" db.yaml 2>&1)
check ".stacklint.yaml: an unknown rule gets a suggestion" \
  has ".stacklint.yaml:1:16: unknown rule rds-instanse-single-az; expected a rule id, name, tag or id prefix; did you mean rds-instance-single-az?" "$out"
rm .stacklint.yaml
out=$("$bin" --select R11O db.yaml 2>&1)
check "an unknown --select id: exit 2" test "$(status_of "$bin" --select R11O db.yaml)" = 2
check "... with did you mean" has "unknown rule R11O; did you mean R110?" "$out"
check "an unknown tag gets a suggestion" has "did you mean resilience?" "$("$bin" --ignore resilence db.yaml 2>&1)"
check "explain of a near id suggests it" has "did you mean R110?" "$("$bin" explain R11O 2>&1)"

# --- --quiet and --statistics ---
out=$("$bin" -q db.yaml)
check "-q prints the findings" has "db.yaml:6:16: warning" "$out"
check "... without the summary" lacks "Found 2 problems" "$out"
check "... the exit status is kept" test "$(status_of "$bin" --quiet db.yaml)" = 1
check "without -q there is a summary" has "Found 2 problems" "$("$bin" db.yaml)"
cp db.yaml db2.yaml
sed 's/MultiAZ: false/MultiAZ: true/' db.yaml >db3.yaml
out=$("$bin" --statistics db.yaml db2.yaml db3.yaml)
check "--statistics: a line per rule, the most frequent first" \
  test "$(awk '{print $1, $2, $3}' <<<"$out")" = "S201 rds-storage-unencrypted 3
R110 rds-instance-single-az 2"
check "... instead of the findings" lacks "db.yaml:" "$out"
check "... exit status as without it" test "$(status_of "$bin" --statistics db.yaml)" = 1
check "--statistics of a clean template prints nothing" \
  test -z "$("$bin" --statistics --select R112 db.yaml)"

# --- "did you mean" for flags and commands; help ---
out=$("$bin" --formt json db.yaml 2>&1)
check "an unknown flag is exit 2" test "$(status_of "$bin" --formt json db.yaml)" = 2
check "... with did you mean" has "unknown option --formt; did you mean --format?" "$out"
check "--statistic suggests --statistics" has "did you mean --statistics?" "$("$bin" --statistic db.yaml 2>&1)"
out=$("$bin" rulez 2>&1)
check "a mistyped command is exit 2" test "$(status_of "$bin" rulez)" = 2
check "... with did you mean" has "did you mean \`stacklint rules\`?" "$out"
check "... said once, without a summary" test "$(wc -l <<<"$out")" = 1
check "help prints the usage" has "Usage:" "$("$bin" help)"
check "help lists the commands" bash -c "'$bin' help | grep -q 'explain'"
check "help explain is the explain command's help" has "Show a rule's full documentation" "$("$bin" help explain)"
check "help graph shows graph's options" has "--only-findings" "$("$bin" help graph)"
check "help of an unknown command: exit 2" test "$(status_of "$bin" help rulez)" = 2
check "... with did you mean" has "did you mean rules?" "$("$bin" help rulez 2>&1)"

# --- colour: TERM=dumb, FORCE_COLOR, CLICOLOR_FORCE, NO_COLOR; output is a pipe here ---
esc=$'\e['
colored() { env -u NO_COLOR -u FORCE_COLOR -u CLICOLOR_FORCE "$@" "$bin" db.yaml | grep -qF "$esc"; }
plain() { ! colored "$@"; }
check "a pipe gets no colour" plain
check "FORCE_COLOR=1 turns colour on" colored FORCE_COLOR=1
check "CLICOLOR_FORCE=1 turns colour on" colored CLICOLOR_FORCE=1
check "FORCE_COLOR=0 does not" plain FORCE_COLOR=0
check "FORCE_COLOR= (empty) does not" plain FORCE_COLOR=
check "NO_COLOR wins over FORCE_COLOR" plain NO_COLOR=1 FORCE_COLOR=1
check "NO_COLOR wins over CLICOLOR_FORCE" plain NO_COLOR=1 CLICOLOR_FORCE=1
check "--color never wins over FORCE_COLOR" \
  bash -c "! FORCE_COLOR=1 '$bin' --color never db.yaml | grep -qF \$'\\e['"
check "--color always wins over NO_COLOR" bash -c "NO_COLOR=1 '$bin' --color always db.yaml | grep -qF \$'\\e['"
if command -v script >/dev/null; then
  check "a terminal gets colour" bash -c "env -u NO_COLOR TERM=xterm script -qec '$bin db.yaml' /dev/null | grep -qF \$'\\e['"
  check "TERM=dumb turns it off on a terminal" \
    bash -c "! env -u NO_COLOR -u FORCE_COLOR -u CLICOLOR_FORCE TERM=dumb script -qec '$bin db.yaml' /dev/null | grep -qF \$'\\e[1;33m'"
fi

# --- .gitignore in folder walks ---
mkdir -p outside/gen
cp db.yaml outside/a.yaml && cp db.yaml outside/gen/b.yaml && printf 'gen/\n' >outside/.gitignore
files_of() { env ${bin_no_git:+PATH=/nonexistent} "$bin" --fail-level none -f json "$@" | python3 -c 'import json,sys; print(" ".join(sorted({f["file"] for f in json.load(sys.stdin)["findings"]})))'; }
check "outside a git work tree, .gitignore is not read" \
  test "$(cd outside && files_of .)" = "a.yaml gen/b.yaml"
if command -v git >/dev/null; then
  mkdir -p repo/gen repo/kept repo/tracked
  cp db.yaml repo/a.yaml && cp db.yaml repo/gen/b.yaml && cp db.yaml repo/kept/c.yaml
  cp db.yaml repo/tracked/d.yaml
  printf 'gen/\n*.skip.yaml\ntracked/\n' >repo/.gitignore
  cp db.yaml repo/kept/e.skip.yaml
  git -C repo init -q && git -C repo add -f tracked/d.yaml
  check "in a git work tree, ignored files are left out of a walk (tracked ones stay)" \
    test "$(cd repo && files_of .)" = "a.yaml kept/c.yaml tracked/d.yaml"
  check "... from a subfolder too" test "$(cd repo/kept && files_of ..)" = "../a.yaml ../kept/c.yaml ../tracked/d.yaml"
  check "... and when the walk starts below the work tree's root" test "$(files_of repo/kept)" = "repo/kept/c.yaml"
  check "--no-ignore lints them" \
    test "$(cd repo && files_of --no-ignore .)" = "a.yaml gen/b.yaml kept/c.yaml kept/e.skip.yaml tracked/d.yaml"
  check "a file named on the command line is linted even when ignored" \
    test "$(cd repo && files_of gen/b.yaml)" = "gen/b.yaml"
  check "excludes still apply next to .gitignore" \
    test "$(cd repo && files_of --exclude kept .)" = "a.yaml tracked/d.yaml"
  check "git never waits: stdin closed, no pager, bounded" \
    timeout 20 bash -c "cd repo && GIT_PAGER=false PAGER=false '$bin' --fail-level none . </dev/null >/dev/null"
  check "without git on PATH, no .gitignore handling and no error" \
    test "$(cd repo && bin_no_git=1 files_of .)" = "a.yaml gen/b.yaml kept/c.yaml kept/e.skip.yaml tracked/d.yaml"
  # git is run once per work tree, and not at all for a folder in none (a logging git in front).
  mkdir -p logging-git
  printf '#!/bin/sh\necho "$*" >>"%s/git-calls"\nexec "%s" "$@"\n' "$PWD" "$(command -v git)" >logging-git/git
  chmod +x logging-git/git
  git_calls() {
    rm -f "$tmp/git-calls"
    (cd "$1" && shift && PATH="$tmp/logging-git:$PATH" "$bin" --fail-level none -q "$@" >/dev/null)
    if [ -f "$tmp/git-calls" ]; then wc -l <"$tmp/git-calls"; else echo 0; fi
  }
  check "a folder in no git work tree: git is not run" test "$(git_calls outside .)" = 0
  check "three folders of one work tree: git is run once" test "$(git_calls repo kept gen tracked)" = 1
  check "... and leaves out what it ignores in each" \
    test "$(cd repo && files_of kept gen tracked .)" = "a.yaml kept/c.yaml tracked/d.yaml"
  check "folders in one work tree and in none: git is run once" test "$(git_calls . repo/kept outside repo)" = 1
  mkdir -p other/gen && cp db.yaml other/a.yaml && cp db.yaml other/gen/b.yaml
  printf 'gen/\n' >other/.gitignore && git -C other init -q
  check "folders of two work trees: git is run once for each" test "$(git_calls . repo/kept other)" = 2
  check "... each asked about its own files" test "$(files_of repo/kept other outside)" = \
    "other/a.yaml outside/a.yaml outside/gen/b.yaml repo/kept/c.yaml"
  # A worktree's `.git` is a file: still a work tree.
  git -C other add -A && git -C other -c user.name=t -c user.email=t@t commit -qm init &&
    git -C other worktree add -q ../other-linked 2>/dev/null
  if [ -f other-linked/.git ]; then
    mkdir -p other-linked/gen && cp db.yaml other-linked/gen/b.yaml
    check "a linked worktree (.git is a file) is a work tree" test "$(files_of other-linked)" = "other-linked/a.yaml"
    check "... git asked once" test "$(git_calls other-linked/gen ..)" = 1
  fi
  ln -s repo/kept kept-link
  check "a folder reached through a link into a work tree is asked about as git sees it" \
    test "$(files_of kept-link)" = "kept-link/c.yaml"
fi

# --- what a folder walk asks of the file system: the listing's types, one stat and one fstat
# a file (its identity, and the check before and after opening it), no more ---
if command -v strace >/dev/null; then
  mkdir -p many && for i in $(seq 1 40); do cp db.yaml "many/t$i.yaml"; done
  strace -f -qq -e trace=stat,lstat,fstat,newfstatat,statx -o stats.log \
    "$bin" -j1 -q --fail-level none many >/dev/null 2>&1
  # About 20 at start-up (libraries, configuration lookup) and 3 a file; 0.2.0 made about 7.
  check "a walk of 40 files: at most 3 stat calls a file" test "$(wc -l <stats.log)" -le $((3 * 40 + 40))
fi

# --- a missing path: reported once, no "No problems found" after it ---
out=$("$bin" missing.yaml 2>&1)
check "a missing path: exit 2" test "$(status_of "$bin" missing.yaml)" = 2
check "... named once" test "$(grep -c 'missing.yaml' <<<"$out")" = 1
check "... and no summary claims no problems" lacks "No problems found" "$out"
sed 's/MultiAZ: false/MultiAZ: true/; /Engine/a\      StorageEncrypted: true' db.yaml >clean.yaml
out=$("$bin" missing.yaml clean.yaml 2>&1)
check "a missing path next to a clean template: no 'No problems found'" lacks "No problems found" "$out"
check "... the summary says a path could not be linted" has "1 path could not be linted" "$out"

# --- the README's usage names every option of --help ---
for option in $("$bin" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  check "README documents $option" grep -qF -- "$option" "$readme"
done

finish
