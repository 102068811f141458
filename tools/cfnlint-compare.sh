#!/usr/bin/env bash
# Regenerates tests/spec_compare_cfnlint.tsv: what cfn-lint reports, for the checks that
# stacklint's resource-specification rules (T100-T108) match, over the deployable folders of
# ../shared/corpus/ and cfn-lint's own `bad` fixtures there. tests/spec_compare_test.sh compares
# stacklint with this file; CI never runs cfn-lint (slow, and not installed everywhere).
#
#   tools/cfnlint-compare.sh [output.tsv]    # default: tests/spec_compare_cfnlint.tsv
#
# Needs cfn-lint on PATH (pip install cfn-lint); takes 10-30 minutes on one core (it runs niced,
# one process at a time). The file is stamped with the cfn-lint version that wrote it: rerun it
# after upgrading cfn-lint, then fix or explain the new differences in
# tests/spec_compare_differences.tsv. CFNLINT_RAW=<file> also keeps cfn-lint's whole JSON output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/tests/spec_compare_cfnlint.tsv}
corpus=$root/../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "no corpus at $corpus" >&2
  exit 2
fi
command -v cfn-lint >/dev/null || { echo "cfn-lint is not on PATH" >&2; exit 2; }

python3 - "$corpus" "$out" "${CFNLINT_RAW:-}" <<'PY'
import json, os, subprocess, sys

corpus, out, raw_out = sys.argv[1:4]
# The folders the comparison covers (tests/spec_compare_test.sh lists the same ones).
FOLDERS = [
    "aws-cloudformation-templates",
    "aws-quickstart",
    "widdix-aws-cf-templates",
    "aws-samples-serverless-patterns",
    "cfn-lint-fixtures/test/fixtures/templates/good",
    "cfn-lint-fixtures/test/fixtures/templates/bad",
]
# cfn-lint's checks that T100-T108 match, and (for information) the neighbours of T100/T106/T107.
KEEP = {"E3001", "E3002", "E3003", "E3012", "E3030", "E3031", "E1010",
        "E3006", "E3032", "E3033", "E3034"}
SUFFIXES = (".yaml", ".yml", ".json", ".template")  # as stacklint's walker (src/cli/walker.cpp)

files = []
for folder in FOLDERS:
    for dirpath, dirnames, filenames in os.walk(os.path.join(corpus, folder)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(SUFFIXES):
                files.append(os.path.relpath(os.path.join(dirpath, name), corpus))

version = subprocess.run(["cfn-lint", "--version"], stdout=subprocess.PIPE, text=True,
                         check=True).stdout.strip()
everything = []
CHUNK = 40  # files per cfn-lint process: one failure costs little, start-up is shared
for start in range(0, len(files), CHUNK):
    chunk = files[start:start + CHUNK]
    p = subprocess.run(["nice", "-n", "10", "cfn-lint", "--format", "json",
                        "--non-zero-exit-code", "none", "--"] + chunk,
                       cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        everything += json.loads(p.stdout or "[]")
    except json.JSONDecodeError:
        # One file broke the run: lint the chunk file by file.
        for f in chunk:
            q = subprocess.run(["nice", "-n", "10", "cfn-lint", "--format", "json",
                                "--non-zero-exit-code", "none", "--", f],
                               cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            try:
                everything += json.loads(q.stdout or "[]")
            except json.JSONDecodeError:
                print(f"cfn-lint failed on {f}: {q.stderr.strip()[:200]}", file=sys.stderr)
    print(f"{min(start + CHUNK, len(files))}/{len(files)} files", file=sys.stderr, flush=True)

if raw_out:
    with open(raw_out, "w") as raw:
        json.dump(everything, raw)


def clean(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


rows = set()
for m in everything:
    rule = m["Rule"]["Id"]
    if rule not in KEEP:
        continue
    path = "/".join(str(p) for p in m["Location"].get("Path") or [])
    rows.add((os.path.normpath(m["Filename"]), m["Location"]["Start"]["LineNumber"], rule,
              clean(path, 160), clean(m["Message"], 120)))
with open(out, "w") as f:
    f.write(f"# {version}: its findings {', '.join(sorted(KEEP))} over {len(files)} templates of\n"
            f"# ../shared/corpus ({', '.join(FOLDERS)}).\n"
            "# Written by tools/cfnlint-compare.sh; read by tests/spec_compare_test.sh.\n"
            "# file\tline\trule\tpath\tmessage\n")
    for row in sorted(rows):
        f.write("\t".join(str(x) for x in row) + "\n")
print(f"{len(rows)} findings of {version} written to {out}", file=sys.stderr)
PY
