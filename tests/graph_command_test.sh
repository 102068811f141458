#!/usr/bin/env bash
# `stacklint graph` end to end: DOT that Graphviz parses, SVG through Graphviz, a clear message
# when Graphviz is missing, and Mermaid output.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"
example=examples/vpc-single-nat.yaml

"$bin" graph "$example" --format dot >"$tmp/g.dot"
check "graph writes DOT by default" grep -q '^digraph stacklint {' "$tmp/g.dot"
if command -v dot >/dev/null; then
  check "Graphviz's dot parses the DOT" dot -Tsvg "$tmp/g.dot" -o "$tmp/from-dot.svg"
  "$bin" graph "$example" --format svg --output "$tmp/g.svg"
  check "--format svg renders through Graphviz" grep -q '<svg' "$tmp/g.svg"
  check "... with the finding on it" grep -q 'R101' "$tmp/g.svg"
else
  echo "SKIP: Graphviz is not installed (apt-get install graphviz)"
fi
# Without dot on PATH: exit 2 and a message that says how to get it.
msg=$(PATH=/nonexistent "$bin" graph "$example" --format svg 2>&1)
code=$?
check "svg without Graphviz is exit 2" test "$code" = 2
check "... and says how to install it" grep -q 'apt-get install graphviz' <<<"$msg"

"$bin" graph "$example" --format mermaid >"$tmp/g.mmd"
check "mermaid starts with a flowchart" grep -q '^flowchart LR$' "$tmp/g.mmd"
check "mermaid subgraphs are balanced" \
  test "$(grep -c '^ *subgraph ' "$tmp/g.mmd")" = "$(grep -c '^ *end$' "$tmp/g.mmd")"
check "--only-findings keeps the flagged NAT gateway" \
  bash -c "'$bin' graph '$example' --only-findings | grep -q '\"NatGateway\"'"
check "--only-findings drops what is not next to a finding" \
  bash -c "! '$bin' graph '$example' --only-findings | grep -q '\"PublicSubnetB\"'"
check "a missing file is exit 2" test "$("$bin" graph "$tmp/none.yaml" >/dev/null 2>&1; echo $?)" = 2
a=$("$bin" graph "$example")
b=$("$bin" graph "$example")
check "graph output is deterministic" test "$a" = "$b"

finish
