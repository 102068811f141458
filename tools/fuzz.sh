#!/usr/bin/env bash
# Fuzzes load → graph → rules → every report format with libFuzzer, under AddressSanitizer and
# UndefinedBehaviorSanitizer, for a bounded time. Seeds: testdata/ and ../shared/corpus/.
#
#   tools/fuzz.sh            # 60 seconds, as CI runs it
#   tools/fuzz.sh 3600       # an hour, locally; the corpus it grows is kept for the next run
#
# A crash, a hang (an input taking over 10 s) or running out of memory fails the run and leaves
# the input in build-fuzz/crashes/: copy it to testdata/regressions/<what-it-does>.<ext>, where
# tests/hostile_input_test.cpp replays it, and fix the bug.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STACKLINT_FUZZ_BUILD:-$root/build-fuzz}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTACKLINT_FUZZ=ON -DSTACKLINT_SANITIZE=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target stacklint_fuzz

mkdir -p "$build/grown" "$build/crashes"
seeds=("$root/testdata")
if [ -d "$root/../shared/corpus" ]; then seeds+=("$root/../shared/corpus"); fi
# The first folder receives the inputs that reach new code; the others are only read.
# -max_len: CloudFormation's own limit for a template is 1 MB; mutations of small inputs find
# more per second than mutations of the largest corpus files.
"$build/stacklint_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crashes/" \
  "$build/grown" "${seeds[@]}"
