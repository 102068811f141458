#!/usr/bin/env bash
# `cmake --install`: the binary, the man page, the bash/zsh/fish completions and the docs land
# where Debian's man, bash-completion, zsh and fish look, and the man page and completions name
# every option and subcommand that the binary's --help lists (they are generated from it; this
# checks the generated files against a reading of --help of its own) and every rule.
# Usage: tests/install_test.sh path/to/build/stacklint
set -u
bin=$(realpath "$1")
build=$(dirname "$bin")
source_dir=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"

prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1
check "cmake --install succeeds" [ $? = 0 ]
installed="$prefix/bin/stacklint"
man_page="$prefix/share/man/man1/stacklint.1"
bash_completion="$prefix/share/bash-completion/completions/stacklint"
zsh_completion="$prefix/share/zsh/vendor-completions/_stacklint"
fish_completion="$prefix/share/fish/vendor_completions.d/stacklint.fish"
for file in "$installed" "$man_page" "$bash_completion" "$zsh_completion" "$fish_completion" \
  "$prefix/share/doc/stacklint/README.md" "$prefix/share/doc/stacklint/CHANGELOG.md" \
  "$prefix/share/doc/stacklint/rules.md"; do
  check "installed: ${file#"$prefix"/}" [ -s "$file" ]
done
version=$(sed -n 's/^project(stacklint VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
check "the installed binary prints its version" [ "$("$installed" --version)" = "stacklint $version" ]
out=$(cd "$source_dir" && "$installed" --fail-level none -f concise examples/)
check "the installed binary lints the examples" grep -q '^examples/.*\[R110\]$' <<<"$out"

# Without tests (-DBUILD_TESTING=OFF), CMake does not look for doctest: with doctest's search
# disabled the configuration succeeds, and with tests on it fails (so the first check can fail).
check "-DBUILD_TESTING=OFF configures without doctest" \
  cmake -S "$source_dir" -B "$tmp/no-tests" -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_doctest=ON >/dev/null 2>&1
check "... and with tests on, doctest is required" \
  bash -c '! cmake -S "$1" -B "$2" -DCMAKE_DISABLE_FIND_PACKAGE_doctest=ON >/dev/null 2>&1' _ "$source_dir" "$tmp/tests"

# What --help says, read here independently of packaging/cli-spec.awk.
subcommands=$("$bin" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
check "--help lists subcommands" [ -n "$subcommands" ]
options_of() {  # the long options of `stacklint [SUBCOMMAND] --help`
  "$bin" "$@" --help | grep -oE '^  (-[a-zA-Z],)?--[a-z][a-z-]*' | sed 's/.*,//; s/^ *//'
}

# --- man page ---------------------------------------------------------------------------------
check "the man page has no groff warnings" bash -c '[ -z "$(groff -man -ww -z "$1" 2>&1)" ]' _ "$man_page"
text=$(MANWIDTH=200 man -l "$man_page" 2>/dev/null)
check "man renders the page" grep -q '^NAME' <<<"$text"
check "the man page carries the version" grep -q "stacklint $version" <<<"$text"
for option in $(options_of); do
  check "the man page describes $option" grep -qe "^ *\(-[a-z], \)\?$option\b" <<<"$text"
done
for sub in $subcommands; do
  check "the man page describes stacklint $sub" grep -q "^ *stacklint $sub\$" <<<"$text"
  for option in $(options_of "$sub"); do
    check "the man page describes $sub $option" \
      bash -c 'sed -n "/^ *stacklint $2\$/,/^ *stacklint [a-z]*\$/p" <<<"$1" | grep -qe "^ *\(-[a-z], \)\?$3\b"' \
      _ "$text" "$sub" "$option"
  done
done
rule_ids=$("$bin" rules | awk '{ print $1 }')
check "stacklint rules lists rules" [ "$(wc -l <<<"$rule_ids")" -gt 10 ]
missing=$(for id in $rule_ids; do grep -q "^ *$id " <<<"$text" || echo "$id"; done)
check "the man page lists every rule (missing: ${missing:-none})" [ -z "$missing" ]

# --- bash: the completion function, driven as bash drives it ----------------------------------
complete_bash() {  # complete_bash WORD... CURRENT: the candidates, one per line, sorted
  PATH="$prefix/bin:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=(stacklint "$@"); COMP_CWORD=$(($# ))
    compopt() { :; }
    _stacklint stacklint "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$bash_completion" "$@"
}
formats=$("$bin" --help | grep -oE -- '--format TEXT:\{[^}]*\}' | sed 's/.*{//; s/}//' | tr , '\n' | sort)
check_each() {  # check_each WHAT OFFERED WORD...: each WORD is among the OFFERED lines
  local what=$1 offered=$2 word
  shift 2
  for word in "$@"; do
    check "$what $word" grep -qx -- "$word" <<<"$offered"
  done
}
check_completion() {  # check_completion SHELL FUNCTION, where FUNCTION WORD... prints candidates
  local shell=$1 complete=$2 sub
  check_each "$shell completes" "$($complete -)" $(options_of)
  check_each "$shell completes the subcommand" "$($complete "")" $subcommands
  for sub in $subcommands; do
    check_each "$shell completes $sub" "$($complete "$sub" -)" $(options_of "$sub")
  done
  check "$shell completes --format's values from --help" [ "$($complete --format "")" = "$formats" ]
}
check_completion bash complete_bash
check "bash completes rule ids for explain" bash -c '[ "$1" = "R110" ]' _ "$(complete_bash explain R11 | grep -x R110)"
check "bash completes rule ids for --select" grep -qx R150 <<<"$(complete_bash --select R15)"
check "bash completes file names" grep -qx examples/web-app.yaml <<<"$(cd "$source_dir" && complete_bash examples/web)"

# --- zsh and fish: syntax, and fish's own completion engine when fish is installed -----------
check "the zsh completion names every option" bash -c 'for o in $(cat); do grep -q -- "$o" "$1" || exit 1; done <<<"$2"' _ "$zsh_completion" "$(options_of)"
if command -v zsh >/dev/null; then
  check "the zsh completion parses" zsh -n "$zsh_completion"
else
  echo "note: zsh is not installed; the zsh completion's syntax is not checked"
fi
if command -v fish >/dev/null; then
  check "the fish completion parses" fish -n "$fish_completion"
  complete_fish() {  # WORD...: what fish offers for `stacklint WORD...`
    PATH="$prefix/bin:$PATH" HOME="$tmp" XDG_CONFIG_HOME="$tmp" fish --no-config -c \
      "source '$fish_completion'; complete -C 'stacklint $*'" | cut -f1 | sort -u
  }
  check_completion fish complete_fish
else
  echo "note: fish is not installed; the fish completion is not run"
fi
finish
