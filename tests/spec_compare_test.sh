#!/usr/bin/env bash
# The resource-specification rules (T100-T108) against cfn-lint, on the deployable folders of
# ../shared/corpus and cfn-lint's `bad` fixtures there.
#
# tests/spec_compare_cfnlint.tsv holds what cfn-lint reported (tools/cfnlint-compare.sh writes
# it; CI never runs cfn-lint). This test runs stacklint over the same files and matches each
# finding to cfn-lint's by file, rule (E3001/E3006 -> T100, E3002 -> T101, E3003 -> T102,
# E3012 -> T103, E3030 -> T104, E3031 -> T105, E3034 -> T106, E3032/E3033 -> T107,
# E1010 -> T108) and line; stacklint's warnings (values computed from parameter defaults, which
# cfn-lint reports as W1030, not compared here) may match but need no explanation. It fails when
#   - a difference (found by one tool only) is not explained in
#     tests/spec_compare_differences.tsv, or an explained one no longer occurs;
#   - for E3001, E3002, E3003, E3012, E3030, E3031 and E1010 together, stacklint reports (or
#     explains as the same problem reported elsewhere) less than 95% of cfn-lint's findings,
#     leaving out those explained as cfn-lint's own mistakes (cfn-lint-wrong) and those of
#     another check that cfn-lint files under the same id (other-check); or so does any one of
#     them with 20 such findings or more (below 20, one miss is already over 5%: the table
#     shows each check's share, and every miss is a `gap` line of the differences file). The
#     table also gives the raw share (matched / all of cfn-lint's findings);
#   - a `bad` fixture where cfn-lint reports one of those checks gets no finding of the matching
#     stacklint rule (or of the other rule an `equivalent` line names).
# Skipped (exit 0, with a message) where the corpus is not checked out beside the project.
set -euo pipefail
bin=${1:-build/stacklint}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "SKIP: no corpus at $corpus"
  exit 0
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The folders of tools/cfnlint-compare.sh.
folders=(aws-cloudformation-templates aws-quickstart widdix-aws-cf-templates
  aws-samples-serverless-patterns cfn-lint-fixtures/test/fixtures/templates/good
  cfn-lint-fixtures/test/fixtures/templates/bad)
(cd "$corpus" && "$bin" --no-ignore --fail-level none -q -f json \
  --select T005,T011,T10 "${folders[@]}") >"$tmp/stacklint.json"

python3 - "$tmp/stacklint.json" "$root/tests/spec_compare_cfnlint.tsv" \
  "$root/tests/spec_compare_differences.tsv" <<'PY'
import collections, json, os, sys

stacklint_json, cfnlint_tsv, differences_tsv = sys.argv[1:4]
MAPPED = {"E3001": "T100", "E3006": "T100", "E3002": "T101", "E3003": "T102",
          "E3012": "T103", "E3030": "T104", "E3031": "T105", "E3034": "T106",
          "E3032": "T107", "E3033": "T107", "E1010": "T108"}
# A cfn-lint check that stacklint splits over other rules matches those too: E3001 is also the
# shape of a resource (a Type that is not a string: T005 malformed-resource; a key beside Type
# and Properties that CloudFormation does not read: T101), and E1010 also a GetAtt to a resource
# that does not exist (T011). Those rules' own differences are other tests' business.
ALSO = {"E3001": ("T005", "T101"), "E1010": ("T011",)}
# The checks the issue holds to 95%; the others are compared and explained, for information.
HELD = ["E3001", "E3002", "E3003", "E3012", "E3030", "E3031", "E1010"]
# cfn-lint points at the key that holds the error (`Variables:`, `Properties:`), stacklint at the
# value, which in block style starts on the next line (the list, the mapping's first key): a
# finding matches one of the same rule up to TOLERANCE lines away, nearest first, once each.
# (On cfn-lint 1.51's findings, all eight such matches are one line apart.)
TOLERANCE = 1
CLASSES = {
    "cfn-lint-wrong": "cfn-lint's finding is false: CloudFormation accepts the template",
    "cfn-lint-misses": "stacklint's finding is a real error that cfn-lint does not report",
    "equivalent": "the same problem, reported by the other tool at another line or rule",
    "gap": "a real error stacklint misses (left to do)",
    "other-check": "cfn-lint files another check under this id (a CIDR's format under E3002)",
    "stacklint-wrong": "a false stacklint finding (left to fix)",
}

def rows(path, width):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < width:
                sys.exit(f"{path}:{number}: expected {width} tab-separated fields: {line}")
            yield number, fields

cfnlint = collections.defaultdict(list)  # cfn-lint id -> [(file, line)]
paths = collections.defaultdict(list)  # (cfn-lint id, file, line) -> cfn-lint's paths
for _, (file, line, rule, path, *_rest) in rows(cfnlint_tsv, 5):
    cfnlint[rule].append((file, int(line)))
    paths[(rule, file, int(line))].append(path.split("/"))
stacklint = collections.defaultdict(set)  # T id -> {(file, line)}
warnings = set()  # (T id, file, line) of warning-level findings
details = collections.defaultdict(list)  # (file, line) -> [(resource, message)]
for f in json.load(open(stacklint_json, encoding="utf-8"))["findings"]:
    if not f["suppressed"]:
        stacklint[f["rule"]].add((f["file"], f["line"]))
        details[(f["file"], f["line"])].append((f["resource"], f["message"]))
        if f["severity"] != "error":
            warnings.add((f["rule"], f["file"], f["line"]))

# Match each cfn-lint id separately: exact lines first, then the nearest within TOLERANCE.
# A stacklint finding may answer two cfn-lint ids (E3001 and E3006 on one Type).
matched_cfnlint = set()  # (rule, file, line)
used = set()  # (T id, file, line)
for rule, found in cfnlint.items():
    ours = set(stacklint.get(MAPPED[rule], set()))
    for other in ALSO.get(rule, ()):
        ours |= stacklint.get(other, set())
    taken = set()
    pending = []
    for file, line in sorted(set(found)):
        if (file, line) in ours:
            taken.add((file, line))
            matched_cfnlint.add((rule, file, line))
        else:
            pending.append((file, line))
    for file, line in pending:
        near = [(abs(l - line), l) for d in range(1, TOLERANCE + 1)
                for l in (line - d, line + d) if (file, l) in ours and (file, l) not in taken]
        if near:
            taken.add((file, min(near)[1]))
            matched_cfnlint.add((rule, file, line))
            continue
        # cfn-lint lints a SAM resource through the resources the transform makes, and reports
        # their findings at the SAM resource's name; stacklint at the property. Same resource
        # (cfn-lint's path Resources/<name>/...) and the property's name in stacklint's message.
        for path in paths[(rule, file, line)]:
            if len(path) < 3 or path[0] != "Resources":
                continue
            key = next((p for p in reversed(path) if not p.isdigit() and "::" not in p), "")
            same = sorted(l for f, l in ours if f == file and (f, l) not in taken and any(
                res == path[1] and key in msg for res, msg in details[(f, l)]))
            if same:
                taken.add((file, same[0]))
                matched_cfnlint.add((rule, file, line))
                break
    used |= {(r, file, line) for file, line in taken for r in (MAPPED[rule],) + ALSO.get(rule, ())}

differences = set()
for rule, found in cfnlint.items():
    for file, line in set(found):
        if (rule, file, line) not in matched_cfnlint:
            differences.add(("cfn-lint", file, line, rule))
for rule, found in stacklint.items():
    if rule not in MAPPED.values():  # T005, T011 (see ALSO), T109 (no cfn-lint counterpart)
        continue
    for file, line in found:
        # A warning (a value computed from parameter defaults, as cfn-lint's W1030) may answer
        # one of cfn-lint's errors, but is not an error stacklint must explain.
        if (rule, file, line) not in used and (rule, file, line) not in warnings:
            differences.add(("stacklint", file, line, rule))

explained = {}
reasons = {}
problems = []
for number, (side, file, line, rule, cls, why) in rows(differences_tsv, 6):
    key = (side, file, int(line), rule)
    if cls not in CLASSES:
        problems.append(f"{differences_tsv}:{number}: unknown class {cls}")
    if not why.strip():
        problems.append(f"{differences_tsv}:{number}: no explanation")
    if key in explained:
        problems.append(f"{differences_tsv}:{number}: listed twice")
    explained[key] = cls
    reasons[key] = why

# For maintainers: SPEC_COMPARE_DUMP=<file> writes today's differences with their recorded
# explanations (empty where none), a start for the next tests/spec_compare_differences.tsv.
if os.environ.get("SPEC_COMPARE_DUMP"):
    with open(os.environ["SPEC_COMPARE_DUMP"], "w", encoding="utf-8") as dump:
        for d in sorted(differences, key=lambda d: (d[1], d[2], d[0], d[3])):
            dump.write("\t".join(map(str, d)) + f"\t{explained.get(d, '')}\t{reasons.get(d, '')}\n")

unexplained = sorted(differences - explained.keys())
stale = sorted(explained.keys() - differences)
for side, file, line, rule in unexplained:
    problems.append(f"unexplained: {side}\t{file}\t{line}\t{rule}")
for side, file, line, rule in stale:
    problems.append(f"explained but no longer found (remove it): {side}\t{file}\t{line}\t{rule}")

print(f"{'cfn-lint':9} {'stacklint':9} {'findings':>8} {'matched':>7} {'equiv':>5} "
      f"{'cfn-wrong':>9} {'other':>5} {'gap':>4} {'raw':>7} {'recall':>7}")
total_reported = total_held = 0
for rule in sorted(MAPPED, key=lambda r: (MAPPED[r], r)):
    keys = set(cfnlint.get(rule, []))
    classes = collections.Counter(explained.get(("cfn-lint", f, l, rule)) for f, l in keys)
    matched = sum((rule, f, l) in matched_cfnlint for f, l in keys)
    wrong, other = classes["cfn-lint-wrong"], classes["other-check"]
    reported = matched + classes["equivalent"]
    held = len(keys) - wrong - other
    recall = reported / held if held else 1.0
    raw = matched / len(keys) if keys else 1.0
    print(f"{rule:9} {MAPPED[rule]:9} {len(keys):8} {matched:7} {classes['equivalent']:5} "
          f"{wrong:9} {other:5} {classes['gap']:4} {raw:7.1%} {recall:7.1%}"
          + ("" if rule in HELD else "  (for information)"))
    if rule in HELD:
        total_reported += reported
        total_held += held
        if held >= 20 and recall < 0.95:
            problems.append(f"{rule}: stacklint reports {recall:.1%} of cfn-lint's findings, "
                            "under 95%")
overall = total_reported / total_held if total_held else 1.0
print(f"held checks together: {total_reported} of {total_held}, {overall:.1%}")
if overall < 0.95:
    problems.append(f"stacklint reports {overall:.1%} of cfn-lint's findings for "
                    f"{', '.join(HELD)}, under 95%")
ours = collections.Counter(explained.get(d) for d in differences if d[0] == "stacklint")
print(f"stacklint-only findings: {sum(ours.values())} "
      + ", ".join(f"{c} {n}" for c, n in sorted(ours.items(), key=str) if c))

# cfn-lint's broken fixtures: each that cfn-lint flags with a held check is caught by its rule.
BAD = "cfn-lint-fixtures/test/fixtures/templates/bad/"
caught = 0
for rule in HELD:
    files = collections.defaultdict(list)
    for file, line in set(cfnlint.get(rule, [])):
        if file.startswith(BAD):
            files[file].append(line)
    for file, lines in sorted(files.items()):
        # Not this check's to catch: cfn-lint is wrong, or files another check under the id.
        if all(explained.get(("cfn-lint", file, l, rule)) in ("cfn-lint-wrong", "other-check")
               for l in lines):
            continue
        # Caught by another stacklint rule (an explained equivalent).
        if all(explained.get(("cfn-lint", file, l, rule)) == "equivalent" for l in lines):
            caught += 1
            continue
        if any(f == file for r in (MAPPED[rule],) + ALSO.get(rule, ())
               for f, _ in stacklint.get(r, ())):
            caught += 1
        else:
            problems.append(f"bad fixture {file}: cfn-lint reports {rule} (line "
                            f"{min(lines)}), stacklint no {'/'.join((MAPPED[rule],) + ALSO.get(rule, ()))}")
print(f"bad fixtures caught: {caught} (file, check) pairs")

if problems:
    print("\n".join(problems))
    print(f"FAIL: {len(problems)} problem(s); explain a difference in {differences_tsv} as "
          f"side, file, line, rule, class ({', '.join(CLASSES)}), why")
    sys.exit(1)
print("PASS")
PY
