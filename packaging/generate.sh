#!/bin/sh
# Generates the man page and the bash, zsh and fish completions from the built binary, so that
# they always describe the command line and the rules of that binary: its --help, each
# subcommand's --help (parsed by cli-spec.awk) and `stacklint rules`.
# Usage: packaging/generate.sh path/to/stacklint OUTPUT_DIR
# Writes OUTPUT_DIR/stacklint.1, stacklint.bash, _stacklint, stacklint.fish. Needs sh and awk.
set -eu
bin=$1
out=$2
here=$(dirname "$0")
mkdir -p "$out"
spec="$out/cli-spec.tsv"

"$bin" --help | awk -v command= -f "$here/cli-spec.awk" >"$spec.tmp"
for sub in $(awk -F '\t' '$1 == "sub" && $2 == "" { print $3 }' "$spec.tmp"); do
  "$bin" "$sub" --help | awk -v command="$sub" -f "$here/cli-spec.awk" >>"$spec.tmp"
done
mv "$spec.tmp" "$spec"
version=$("$bin" --version)
"$bin" rules >"$out/rules.txt"

awk -F '\t' -v version="$version" -v rules="$out/rules.txt" -f "$here/man.awk" "$spec" \
  >"$out/stacklint.1.tmp"
mv "$out/stacklint.1.tmp" "$out/stacklint.1"
for shell in bash zsh fish; do
  case $shell in
    bash) file=stacklint.bash ;;
    zsh) file=_stacklint ;;
    fish) file=stacklint.fish ;;
  esac
  awk -F '\t' -v shell="$shell" -f "$here/completions.awk" "$spec" >"$out/$file.tmp"
  mv "$out/$file.tmp" "$out/$file"
done
