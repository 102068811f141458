#!/usr/bin/env bash
# Regenerates the README rule table and docs/rules.md from rules/ (the tests check they agree).
# Usage: tools/update-docs.sh [path/to/stacklint]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/stacklint}
"$bin" rules --format docs > docs/rules.md
table=$("$bin" rules --format markdown)
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1] + "\n"
text = open("README.md", encoding="utf-8").read()
begin, end = "<!-- rules-table:begin -->\n", "<!-- rules-table:end -->"
a, b = text.index(begin) + len(begin), text.index(end)
open("README.md", "w", encoding="utf-8").write(text[:a] + table + text[b:])
PY
