#!/usr/bin/env bash
# Fuzzes load → graph → rules → every report format with libFuzzer, under AddressSanitizer and
# UndefinedBehaviorSanitizer, for a bounded time. Seeds: testdata/ (with the hostile inputs of
# testdata/hardening/), tests/fuzz/seeds/ (small instances of the hostile generators: Fn::Sub
# with many variables, fan-out through parameter defaults, aliases, merge keys, repeated keys,
# suppressions, hostile names) and ../shared/corpus/. Mutations draw on tests/fuzz/cfn.dict:
# intrinsic functions, short-form tags, anchors, aliases, `<<`, `${}`, `{{resolve:`.
#
#   tools/fuzz.sh            # 60 seconds, as CI runs it
#   tools/fuzz.sh 3600       # an hour, locally; the corpus it grows is kept for the next run
#
# A crash, a slow input or running out of memory fails the run and leaves the input in
# build-fuzz/crashes/: copy it to testdata/regressions/<what-it-does>.<ext>, where
# tests/hostile_input_test.cpp replays it, and fix the bug. "Slow" is STACKLINT_FUZZ_TIMEOUT
# seconds (default 1): inputs are at most 64 KB and the slowest seed takes 170 ms under the
# sanitizers (a 33 KB Quick Start template), so an input over the limit does super-linear work.
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
timeout=${STACKLINT_FUZZ_TIMEOUT:-1}
seeds=("$root/testdata" "$root/tests/fuzz/seeds")
if [ -d "$root/../shared/corpus" ]; then seeds+=("$root/../shared/corpus"); fi
# The first folder receives the inputs that reach new code; the others are only read.
# -max_len: CloudFormation's own limit for a template is 1 MB; mutations of small inputs find
# more per second than mutations of the largest corpus files.
"$build/stacklint_fuzz" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
  -max_len=65536 -dict="$root/tests/fuzz/cfn.dict" -print_final_stats=1 \
  -artifact_prefix="$build/crashes/" \
  "$build/grown" "${seeds[@]}"
