#!/usr/bin/env bash
# clang-format is the law for layout: every C++ file in the repository is formatted.
set -u
if ! command -v clang-format >/dev/null; then
  echo "SKIP: clang-format is not installed"
  exit 0
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find src tests -name '*.cpp' -o -name '*.h')
bad=0
for file in "${files[@]}"; do
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
    echo "FAIL: not formatted: $file (run clang-format -i $file)"
    bad=$((bad + 1))
  fi
done
echo "$(( ${#files[@]} - bad )) passed, $bad failed"
[ "$bad" = 0 ]
