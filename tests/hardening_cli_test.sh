#!/usr/bin/env bash
# Issue 11 at the command line: what stacklint writes (never an input, never through a planted
# link, never a device replaced), what it reads (bounded, never blocked by a FIFO), exit codes
# that tell the truth, output bounded by the input, and escaping in every format. Each case of
# ../shared/cases/hardening (h59-h94) is rebuilt here, with variants of its kind.
# Usage: tests/hardening_cli_test.sh path/to/stacklint
set -u
bin=$(realpath "$1")
source "$(dirname "$0")/lib/checks.sh"
make_scratch
# A generous ceiling that only catches a hang; the assertions are about behaviour and sizes.
hang=20
cd "$tmp"

bucket='Resources: {B: {Type: AWS::S3::Bucket}}'
printf '%s\n' "$bucket" >t.yaml
printf 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n' >clean.yaml
cp "$single_az_database" db.yaml
sum() { sha1sum <"$1"; }
original=$(sum t.yaml)
# stacklint's temporary files are hidden (.NAME.RANDOM.stacklint-tmp); h77 plants a visible one.
leftovers() { find "$tmp" -name '.*stacklint-tmp' | head -1; }

as_nobody=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# --- kind 3: never write an input, never through a link, never replace a device ---------------
# h78: --write-baseline naming the template.
out=$("$bin" --write-baseline t.yaml t.yaml 2>&1)
check "h78 --write-baseline onto the template is exit 2" test $? = 2
check "... says why" has "never writes to its inputs" "$out"
check "... and the template is untouched" test "$(sum t.yaml)" = "$original"
ln t.yaml hard.yaml
ln -s t.yaml soft.yaml
for target in hard.yaml soft.yaml ./t.yaml "$tmp/t.yaml"; do
  check "--write-baseline $target (the template by another name) is exit 2" \
    test "$(status_of "$bin" --write-baseline "$target" t.yaml)" = 2
  check "--output $target is exit 2" test "$(status_of "$bin" -f json -o "$target" t.yaml)" = 2
done
check "... and the template is still untouched" test "$(sum t.yaml)" = "$original"
# The configuration, the baseline and rule files are inputs too.
mkdir -p conf/rules
printf 'fail-level: none\nrule-directories: [rules]\n' >conf/cfg.yaml
cp conf/cfg.yaml conf/cfg.before
"$bin" --write-baseline conf/base.json t.yaml 2>/dev/null
cp conf/base.json conf/base.before
check "--output onto the configuration file is exit 2" \
  test "$(status_of "$bin" --config conf/cfg.yaml -f json -o conf/cfg.yaml t.yaml)" = 2
check "--output onto the baseline is exit 2" \
  test "$(status_of "$bin" --baseline conf/base.json -f json -o conf/base.json t.yaml)" = 2
check "... both left as they were" \
  bash -c "cmp -s conf/cfg.yaml conf/cfg.before && cmp -s conf/base.json conf/base.before"
check "two outputs to one file are exit 2" \
  test "$(status_of "$bin" -f json -o two.out -f sarif -o ./two.out t.yaml)" = 2
check "... and nothing is written" test ! -e two.out

# h79: graph -o onto the template, a hard link to it, a link to it.
for target in t.yaml hard.yaml soft.yaml; do
  check "h79 graph t.yaml -o $target is exit 2" test "$(status_of "$bin" graph t.yaml -o "$target")" = 2
done
check "... and the template is untouched" test "$(sum t.yaml)" = "$original"
check "graph -o onto its configuration is exit 2" \
  test "$(status_of "$bin" --config conf/cfg.yaml graph t.yaml -o conf/cfg.yaml)" = 2
"$bin" graph t.yaml -o g.dot
check "graph -o elsewhere works" grep -q '^digraph stacklint' g.dot

# h77: a link planted at the old temporary name, and at any name: never followed.
cp t.yaml victim.yaml
ln -s victim.yaml report.json.stacklint-tmp
"$bin" -f json -o report.json victim.yaml >/dev/null 2>&1
check "h77 a link at the old temporary name is not followed" test "$(sum victim.yaml)" = "$original"
check "... the report is a regular file" bash -c "[ -f report.json ] && [ ! -L report.json ] && grep -q '\"tool\"' report.json"
check "... and no temporary file is left" test -z "$(leftovers)"
if command -v strace >/dev/null; then
  strace -f -e trace=openat -o trace.txt "$bin" -f json -o report.json t.yaml >/dev/null 2>&1
  created=$(grep 'O_CREAT' trace.txt | grep -v '/dev/null')
  check "the temporary file is created with O_EXCL and O_NOFOLLOW" \
    bash -c "[ -n \"\$1\" ] && ! grep -v 'O_EXCL' <<<\"\$1\" | grep -q . && ! grep -v 'O_NOFOLLOW' <<<\"\$1\" | grep -q ." _ "$created"
  strace -f -e trace=openat -o trace2.txt "$bin" -f json -o report.json t.yaml >/dev/null 2>&1
  name1=$(grep -o '"[^"]*stacklint-tmp"' trace.txt)
  name2=$(grep -o '"[^"]*stacklint-tmp"' trace2.txt)
  check "... in the target's folder, under a name that changes every run" \
    bash -c "[ -n '$name1' ] && [ '$name1' != '$name2' ] && [[ '$name1' == *'/.report.json.'* ]]"
else
  echo "SKIP: strace is not installed; cannot look at how the temporary file is created"
fi
# A link at the target itself: the file it names is replaced (in its folder), the link stays.
mkdir -p reports
echo old >reports/real.json
chmod 640 reports/real.json
ln -s reports/real.json linked.json
"$bin" -f json -o linked.json t.yaml >/dev/null
check "--output through a link replaces the file it names, and the link stays" \
  bash -c "[ -L linked.json ] && grep -q '\"tool\"' reports/real.json"
check "... keeping the file's permissions" test "$(stat -c %a reports/real.json)" = 640
ln -s nowhere/none.json dangling.json
check "--output to a link to nothing is exit 2" test "$(status_of "$bin" -f json -o dangling.json t.yaml)" = 2
check "... and creates nothing" test ! -e nowhere

# h73: devices and FIFOs are written in place, never replaced; /dev/full is a write error.
# Output to /dev by name is only tried where a regression cannot replace the machine's own
# device nodes: as a user who cannot write /dev, or in a private /dev (below).
if [ "$(id -u)" != 0 ] || [ ${#as_nobody[@]} -gt 0 ]; then
  out=$("${as_nobody[@]}" "$bin" -f json -o /dev/full t.yaml 2>&1)
  check "h73 --output /dev/full is exit 2" test $? = 2
  check "... with the reason" has "cannot write /dev/full: No space left on device" "$out"
  check "... and /dev/full is still a device" test -c /dev/full
  check "--output /dev/null works (exit 1 for the finding)" \
    test "$(status_of "${as_nobody[@]}" "$bin" -o /dev/null t.yaml)" = 1
  check "... and /dev/null is still a device" test -c /dev/null
  out=$("${as_nobody[@]}" bash -c "'$bin' -f concise -o /dev/stdout t.yaml | cat" 2>/dev/null)
  check "--output /dev/stdout prints the report" has "t.yaml:1:13: warning" "$out"
else
  echo "SKIP: running as root without setpriv; output to /dev is tried in a private /dev only"
fi
mkfifo fifo.out
cat fifo.out >from-fifo.txt &
reader=$!
# The reader may not have opened the FIFO yet: stacklint then says nobody reads it (exit 2, the
# case below), and the reader would wait for a writer forever. Try again until it is there.
written=no
for _ in $(seq 100); do
  timeout $hang "$bin" -f concise -o fifo.out t.yaml >/dev/null 2>&1
  if [ $? != 2 ]; then written=yes; break; fi
  sleep 0.1
done
[ $written = no ] && timeout 5 sh -c ': >fifo.out'  # never leave the reader blocked
wait $reader
check "--output to a FIFO with a reader writes into it" grep -q "t.yaml:1:13: warning" from-fifo.txt
check "... and the FIFO stays a FIFO" test -p fifo.out
out=$(timeout $hang "$bin" -f concise -o fifo.out t.yaml 2>&1)
check "--output to a FIFO that nobody reads is exit 2, at once" test $? = 2
check "... saying so" has "no process reads from it" "$out"
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
  # The case as written: a private /dev where the device nodes are throwaway copies.
  out=$(unshare -m --propagation private bash -c "
    mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/full c 1 7 && mknod -m 666 /dev/null c 1 3 &&
    ln -s /proc/self/fd/1 /dev/stdout &&
    '$bin' -f json -o /dev/full t.yaml 2>/dev/null; echo \"full=\$?\";
    '$bin' -f concise -o /dev/stdout t.yaml; echo \"stdout=\$?\";
    [ -c /dev/full ] && echo full-is-device; [ -L /dev/stdout ] && echo stdout-is-link")
  check "h73 as root in a private /dev: /dev/full is exit 2" has "full=2" "$out"
  check "... --output /dev/stdout prints, exit 1" \
    bash -c "grep -q 't.yaml:1:13: warning' <<<\"\$1\" && grep -q 'stdout=1' <<<\"\$1\"" _ "$out"
  check "... and neither /dev/full nor /dev/stdout was replaced" \
    bash -c "grep -q full-is-device <<<\"\$1\" && grep -q stdout-is-link <<<\"\$1\"" _ "$out"
else
  echo "SKIP: h73 in a private /dev needs root and mount namespaces"
fi

# h80: graph --format svg writes no temporary file anywhere (it pipes to Graphviz).
if command -v dot >/dev/null; then
  mkdir -p shared-tmp
  echo precious >victim.txt
  for pid in $(seq $$ $(($$ + 50))); do ln -s "$tmp/victim.txt" "shared-tmp/stacklint-graph-$pid.dot"; done
  TMPDIR="$tmp/shared-tmp" "$bin" graph t.yaml --format svg -o g.svg
  check "h80 graph --format svg renders" grep -q '<svg' g.svg
  check "... through no file in the temporary folder" \
    bash -c "[ \"\$(ls shared-tmp | wc -l)\" = 51 ] && [ \"\$(cat victim.txt)\" = precious ]"
  if command -v strace >/dev/null; then
    strace -f -e trace=openat -o svg-trace.txt "$bin" graph t.yaml --format svg >/dev/null 2>&1
    check "... and opens nothing for writing but /dev/null" \
      bash -c "! grep -E 'O_WRONLY|O_RDWR' svg-trace.txt | grep -v '/dev/null' | grep -q ."
  fi
  "$bin" graph t.yaml --format svg >/dev/full 2>/dev/null
  check "graph svg to a full standard output is exit 2" test $? = 2
else
  echo "SKIP: Graphviz is not installed; graph --format svg not tried"
fi

# h94: the README's GitLab command twice in one folder; and other reports written in the walk.
mkdir -p gl && cp t.yaml gl/t.yaml
for run in 1 2 3; do
  (cd gl && "$bin" --format gitlab --output gl-code-quality.json --format junit \
    --output stacklint-junit.xml --format text . >/dev/null 2>&1)
  check "h94 the GitLab command, run $run in the same folder, exits 1 (the finding)" test $? = 1
done
check "... its report names only the template" \
  bash -c "python3 -c 'import json,sys; print(*sorted({i[\"location\"][\"path\"] for i in json.load(open(sys.argv[1]))}))' gl/gl-code-quality.json | grep -qx 't.yaml'"
mkdir -p rep && cp t.yaml rep/t.yaml
for run in 1 2; do
  (cd rep && "$bin" -f json -o report.json -f sarif -o report.sarif.json --write-baseline base.json . >/dev/null 2>&1)
  code1=$?
  (cd rep && "$bin" -f json -o report.json -f sarif -o report.sarif.json . >/dev/null 2>&1)
  code2=$?
  check "json, sarif and baseline files written in the walked folder, run $run: no refusal" \
    test "$code1$code2" = 01
done
out=$(cd rep && "$bin" -f concise . 2>&1)
check "... and a later plain run lints only the template" test "$(grep -c ': warning:\|: error:' <<<"$out")" = 1

# Every format written under a template's name (out-FORMAT.yaml) in the walked folder, twice,
# beside a broken template (a T001 that must stay): reports are recognised, templates are not.
mkdir -p named && cp t.yaml named/t.yaml && printf 'Resources:\n  B: [unclosed\n' >named/broken.yaml
codes=
for format in text concise github junit json sarif gitlab; do
  for run in 1 2; do
    (cd named && "$bin" -f "$format" -o "out-$format.yaml" . >/dev/null 2>&1)
    codes+="$?"
  done
done
check "each format written as out-FORMAT.yaml in the walked folder, run twice: never refused" \
  test "$codes" = 11111111111111
out=$(cd named && "$bin" -f concise . 2>&1)
check "... a later run reports the two templates only (T001 for the broken one)" \
  bash -c "[ \"\$(grep -c . <<<\"\$1\")\" = 2 ] && grep -q '^broken.yaml:2:.*T001' <<<\"\$1\" && grep -q '^t.yaml:1:13' <<<\"\$1\"" _ "$out"
check "... and a report named on the command line is still linted (T001)" \
  has "T001" "$(cd named && "$bin" -f concise out-text.yaml 2>&1)"

# --- kind 4: every read bounded, nothing blocks -------------------------------------------------
# A regression that reads /dev/zero whole must die of a memory limit, not take the machine: a 2 GB
# address-space limit where the binary runs under one (a sanitizer build does not: it reserves
# terabytes of shadow memory), and ASan's own RSS limit there.
memory_limit=
if (ulimit -v 2000000 && "$bin" --version) >/dev/null 2>&1; then memory_limit=2000000; fi
bounded() {
  (
    [ -n "$memory_limit" ] && ulimit -v "$memory_limit"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=2000"
    exec timeout $hang "$@"
  )
}
for option in --config --baseline; do
  out=$(bounded "$bin" $option /dev/zero t.yaml 2>&1)
  code=$?
  check "h84 $option /dev/zero is exit 2, not a crash or a hang (status $code)" test $code = 2
  check "... with a clear message" has "not a regular file (a character device)" "$out"
done
mkdir -p rd && ln -s /dev/zero rd/zero.yaml
printf 'rule-directories: [rd]\n' >rd.yaml
out=$(bounded "$bin" --config rd.yaml t.yaml 2>&1)
check "h84 a rule file that is /dev/zero is exit 2 with a message" \
  bash -c "[ $? = 2 ] && grep -q 'zero.yaml: cannot read the rule file' <<<\"\$1\"" _ "$out"
out=$(bounded "$bin" graph /dev/zero 2>&1)
check "h84 graph /dev/zero is exit 2 with a message" \
  bash -c "[ $? = 2 ] && grep -q 'not a regular file' <<<\"\$1\"" _ "$out"
# Regular files larger than the bound: refused from their size (sparse: nothing is stored).
truncate -s 17M big.yaml
for option in --config --baseline; do
  out=$(bounded "$bin" $option big.yaml t.yaml 2>&1)
  check "$option of 17 MB is exit 2, naming both sizes" \
    bash -c "[ $? = 2 ] && grep -q 'larger than stacklint reads (17 MB; at most 16 MB)' <<<\"\$1\"" _ "$out"
done
out=$(bounded "$bin" graph big.yaml 2>&1)
check "graph of a 17 MB file is exit 2, naming both sizes" \
  bash -c "[ $? = 2 ] && grep -q '17 MB; at most 16 MB' <<<\"\$1\"" _ "$out"
mkdir -p rd-big && ln -s "$tmp/big.yaml" rd-big/big.yaml
printf 'rule-directories: [rd-big]\n' >rd-big.yaml
check "a 17 MB rule file is exit 2" test "$(status_of bounded "$bin" --config rd-big.yaml t.yaml)" = 2
# h66: FIFOs named anywhere are refused without waiting for a writer.
mkfifo x.yaml cfg-fifo.yaml base-fifo.json
out=$(timeout $hang "$bin" t.yaml x.yaml 2>&1)
code=$?
check "h66 a FIFO named with a template: exit 2, not blocked (status $code)" test $code = 2
check "... the FIFO is reported" has "x.yaml: error: not a regular file (a FIFO)" "$out"
check "... and the other file is still reported" has "t.yaml:1:13: warning" "$out"
check "a FIFO as --config is exit 2, not blocked" test "$(status_of timeout $hang "$bin" --config cfg-fifo.yaml t.yaml)" = 2
check "a FIFO as --baseline is exit 2, not blocked" test "$(status_of timeout $hang "$bin" --baseline base-fifo.json t.yaml)" = 2
check "a FIFO as graph input is exit 2, not blocked" test "$(status_of timeout $hang "$bin" graph x.yaml)" = 2
out=$(timeout $hang "$bin" t.yaml /dev/null 2>&1)
check "a character device named with a template: exit 2, the template reported" \
  bash -c "[ $? = 2 ] && grep -q 't.yaml:1:13' <<<\"\$1\" && grep -q '/dev/null: error: not a regular file' <<<\"\$1\"" _ "$out"
check "standard input is still read (-)" has "x.yaml:1:13: warning" "$("$bin" - --stdin-filename x.yaml <t.yaml)"

# --- kind 5: exit codes that tell the truth -----------------------------------------------------
# h75: standard output full or closed, for every subcommand.
for cmd in "clean.yaml" "--fail-level none t.yaml" "-f json --fail-level none t.yaml" \
  "graph t.yaml" "graph t.yaml --format mermaid" "rules" "rules --format json" "explain R110" \
  "--version" "--help"; do
  # shellcheck disable=SC2086
  out=$("$bin" $cmd 2>&1 >/dev/full)
  check "h75 stacklint $cmd > /dev/full: exit 2" test $? = 2
  check "... with the reason on standard error" has "cannot write standard output: No space left on device" "$out"
  # shellcheck disable=SC2086
  check "h75 stacklint $cmd with standard output closed: exit 2" test "$("$bin" $cmd 2>/dev/null >&-; echo $?)" = 2
done
python3 -c "import json,sys; json.dump({'Resources': {f'B{i}': {'Type': 'AWS::S3::Bucket'} for i in range(3000)}}, sys.stdout)" >many.json
"$bin" many.json 2>pipe-err.txt | head -c 10 >/dev/null
check "a closed pipe is exit 2, not a silent death by SIGPIPE" test "${PIPESTATUS[0]}" = 2
check "... with the reason" grep -q "cannot write standard output: Broken pipe" pipe-err.txt
check "the same report to a working pipe is exit 1" test "$("$bin" many.json | cat >/dev/null; echo "${PIPESTATUS[0]}")" = 1
# h69: a named template that cannot be read.
if [ ${#as_nobody[@]} -gt 0 ] || [ "$(id -u)" != 0 ]; then
  mkdir -p locked && cp clean.yaml locked/clean.yaml && cp t.yaml locked/secret.yaml
  chmod 755 locked && chmod 644 locked/clean.yaml && chmod 000 locked/secret.yaml
  out=$("${as_nobody[@]}" "$bin" locked/secret.yaml locked/clean.yaml 2>&1)
  code=$?
  check "h69 an unreadable named template next to a clean one: exit 2 (status $code)" test $code = 2
  check "... the unreadable one is named" has "secret.yaml: error: cannot open file: Permission denied" "$out"
  check "... and the clean one is still reported" has "No findings in 1 file linted; 1 path could not be linted" "$out"
  out=$("${as_nobody[@]}" "$bin" -f json locked/secret.yaml locked/clean.yaml 2>/dev/null)
  check "... in json too: the error listed, exit 2" \
    bash -c "python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"errors\"])==1' <<<\"\$1\"" _ "$out"
  mkdir -p locked/folder && cp t.yaml locked/folder/t.yaml && chmod 000 locked/folder
  out=$("${as_nobody[@]}" "$bin" locked/folder locked/clean.yaml 2>&1)
  code=$?
  check "an unreadable named folder next to a clean template: exit 2 (status $code)" test $code = 2
  check "... the folder is named, the template reported" \
    bash -c "grep -q 'folder: error: cannot read folder' <<<\"\$1\" && grep -q 'No findings in 1 file linted; 1 path could not be linted' <<<\"\$1\"" _ "$out"
  chmod 755 locked/folder
  chmod 644 locked/secret.yaml
else
  echo "SKIP: h69 needs a user other than root (setpriv is missing)"
fi
# Failures around the linting are messages and exit 2, never an abort.
mkdir -p gone && out=$(cd gone && rmdir ../gone && "$bin" "$tmp/t.yaml" 2>&1)
check "run from a deleted folder: exit 2 with a message, not an abort" \
  bash -c "[ $? = 2 ] && grep -q 'cannot get current path' <<<\"\$1\"" _ "$out"
if [ ${#as_nobody[@]} -gt 0 ]; then
  mkdir -p rdl/locked && printf 'rule-directories: [locked]\n' >rdl/c.yaml && chmod 000 rdl/locked
  out=$("${as_nobody[@]}" "$bin" --config rdl/c.yaml t.yaml 2>&1)
  check "an unreadable rule directory: exit 2 with where it is named" \
    bash -c "[ $? = 2 ] && grep -q 'c.yaml:1:20: cannot read the folder locked' <<<\"\$1\"" _ "$out"
  chmod 755 rdl/locked
fi
# h91: one file named several ways is linted once.
out=$("$bin" t.yaml ./t.yaml "$tmp/t.yaml" hard.yaml soft.yaml 2>&1)
check "h91 one file named five ways (hard and soft links too) is linted once" \
  bash -c "[ \"\$(grep -c 'warning: Bucket B' <<<\"\$1\")\" = 1 ] && grep -q 'in 1 file' <<<\"\$1\"" _ "$out"
check "... and a folder with a file named again too" \
  has "in 2 files" "$("$bin" gl gl/t.yaml rep 2>&1 | tail -1)"
# The names are told apart as each file is read (its identity comes with the read): the first
# name wins with any number of threads, found in a folder (a hard link, a link beside it) or
# named, and a file that cannot be read is reported once, under its first name.
mkdir -p dup && cp t.yaml dup/a.yaml && ln dup/a.yaml dup/b.yaml && ln -s a.yaml dup/c.yaml
mkfifo dup-fifo.yaml && ln -s dup-fifo.yaml dup-fifo-link.yaml
for jobs in 1 2 4; do
  out=$("$bin" --jobs $jobs -f concise dup-fifo.yaml dup soft.yaml t.yaml dup ./dup-fifo-link.yaml \
    ./dup/c.yaml 2>&1)
  check "h91 --jobs $jobs: each file once, under its first name, in order" \
    test "$(sed 's/:.*//' <<<"$out" | tr '\n' ' ')" = "dup-fifo.yaml dup/a.yaml soft.yaml "
done
# An excluded first name leaves the file out under its later names too; a name before it wins.
mkdir -p ex && cp t.yaml ex/a.yaml && ln -s ex/a.yaml exlink.yaml
check "h91 an excluded walked file named again later is not linted" \
  has "No CloudFormation templates found" "$("$bin" --exclude ex/a.yaml ex exlink.yaml 2>&1)"
check "... named before the folder it is linted, under that name" \
  has "exlink.yaml:1:13: warning" "$("$bin" --exclude ex/a.yaml exlink.yaml ex 2>&1)"
# `- -`: standard input can be read once.
out=$("$bin" - - <t.yaml 2>&1)
check "- - is exit 2" test $? = 2
check "... saying why" has "standard input) is named more than once" "$out"
# h90: when threads cannot be created, fewer threads do the work.
if [ ${#as_nobody[@]} -gt 0 ]; then
  mkdir -p many && chmod 755 many
  for i in $(seq 1 300); do printf 'Resources:\n  B%d:\n    Type: AWS::S3::Bucket\n' "$i" >"many/t$i.yaml"; done
  chmod -R a+rX many
  expected=$("$bin" --jobs 1 -f concise "$tmp/many" | sha1sum)
  out=$("${as_nobody[@]}" bash -c "ulimit -u 20; '$bin' --jobs 1000 -f concise '$tmp/many' | sha1sum; echo \"rc=\${PIPESTATUS[0]}\"" 2>&1)
  check "h90 --jobs 1000 under a process limit of 20: exit 1, no abort" has "rc=1" "$out"
  check "... with the output of --jobs 1" has "${expected%% *}" "$out"
else
  echo "SKIP: h90 needs root to run as nobody under a process limit"
fi

# --- kind 2: output bounded by the input ---------------------------------------------------------
minified() { python3 -c "import json,sys; json.dump({'Resources': {f'Bucket{i}': {'Type': 'AWS::S3::Bucket'} for i in range(int(sys.argv[1]))}}, sys.stdout, separators=(',', ':'))" "$1"; }
minified 2000 >h70.json
minified 8000 >h70-big.json
size=$(stat -c %s h70.json)
out_size=$("$bin" h70.json | wc -c)
check "h70 2,000 findings on one 79 KB line: the text report is at most 8x the template + 600 bytes a finding ($out_size bytes)" \
  test "$out_size" -lt $((8 * size + 600 * 2000))
big_size=$("$bin" h70-big.json | wc -c)
check "... and grows linearly: 4x the findings, at most 4.5x the report ($out_size, $big_size)" \
  test $((big_size * 2)) -lt $((out_size * 9))
line=$("$bin" h70.json | sed -n 3p)
check "... every source line shown is a window of at most 170 characters" \
  test "$("$bin" h70.json | awk -F'\n' '/^[0-9]+ \| / && length($0) > 170' | wc -l)" = 0
# Multi-byte characters on a long line: the underline stays under the range.
python3 - <<'PY'
pad = "é" * 3000
open("wide.yaml", "w", encoding="utf-8").write(
    "Resources: {Pad: {Type: AWS::SNS::Topic, Properties: {DisplayName: '" + pad + "'}}, Db: {Type: AWS::RDS::DBInstance, Properties: {Engine: mysql, MultiAZ: false, StorageEncrypted: true, DBName: '" + pad + "'}}}\n")
PY
out=$("$bin" --select R110 wide.yaml)
check "a window on a line of 6,000 two-byte characters: the caret is under MultiAZ's value" python3 - "$out" <<'PY'
import sys
lines = sys.argv[1].split("\n")
src = next(l for l in lines if l.startswith("1 | "))
mark = next(l for l in lines if l.startswith("  | ") and "^" in l)
col = mark.index("^")
assert src[col:col + 5] == "false", (src, mark)
assert mark.count("^") == 5 and len(src) < 200, (len(src), mark)
PY
# A range longer than the window (a resource over a whole one-line template): capped underline.
printf '{"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "MultiAZ": false, "X": "%s"}}}}' "$(head -c 5000 /dev/zero | tr '\0' x)" >range.json
check "an underline never exceeds the window" \
  test "$("$bin" range.json | awk '/^ *\| *\^/ { if (gsub(/\^/, "") > 80) n++ } END { print n + 0 }')" = 0

# GitLab numbers findings that share a fingerprint; 20,000 of them (a key written 20,000 times in
# one mapping) took minutes when each one counted up from 2 again.
python3 -c "
print('Resources:\n  B:\n    Type: AWS::SNS::Topic\n    Properties:')
for i in range(20000): print('      A: 1')" >dups.yaml
timeout $hang "$bin" -f gitlab dups.yaml >dups.json
check "20,000 findings with one identity: gitlab in linear time (status $?, 1 is findings)" test $? = 1
check "... every fingerprint unique" \
  bash -c "[ \"\$(grep -c '\"fingerprint\"' dups.json)\" -ge 19999 ] && [ -z \"\$(grep '\"fingerprint\"' dups.json | sort | uniq -d)\" ]"

# --- kind 7: escaping in every format --------------------------------------------------------------
python3 - <<'PY'
import json
names = ["N\u0000ul", "E\u001b[31mRED\u001b[0m", "C1\u009b31m", "Bidi\u202etxt.exe", "Iso\u2066x\u2069",
         "LS\u2028PS\u2029", "NonChar\ufffe\uffff", "DEL\u007f", "Tab\tCR\rLF\nEnd", "Q\"<&>'",
         "Pct%0A::warning file=x::pwn", "Bom\ufeff", "Nel\u0085x", "Lrm\u200ex", "Emoji\U0001F600"]
resources = {n: {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "MultiAZ": False,
             "DBName": {"Ref": "Missing" + n}}} for n in names}
json.dump({"Resources": resources}, open("hostile.json", "w"))
PY
printf 'Resources:\n  "E\\e[31mRED":\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref "Miss\\e[1m0"   # stacklint: ignore R150 -- reason \xe2\x80\xae \xc2\x9b\n  "LS\\L\\P\\x85":\n    Type: AWS::S3::Bucket\n' >hostile.yaml
scan() {
  python3 -c '
import re, sys
text = sys.stdin.buffer.read().decode("utf-8")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]", text)
sys.exit(1 if bad or len(text) < int(sys.argv[1]) else 0)' "${1:-100}"
}
export -f scan
for input in hostile.json hostile.yaml; do
  for format in text concise github junit; do
    check "h59/h61 $input --format $format carries no control, bidi or separator character" \
      bash -c "'$bin' --color never -f $format $input | scan" _
  done
  check "h60 $input --format junit is well-formed XML" \
    bash -c "'$bin' -f junit $input | python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())'"
  check "$input --format json keeps the names exactly (machines read it)" \
    bash -c "'$bin' -f json $input | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(\"\\u202e\" in f[\"message\"] or \"\\x1b\" in f[\"message\"] for f in d[\"findings\"])'"
done
check "github: the message cannot start a workflow command of its own" \
  bash -c "! '$bin' -f github hostile.json | grep -v '^::' | grep -q ."
# Standard error quotes the repository's own files too (settings, rule files): escaped as well.
printf '"bad\e[31mkey\u202e": 1\n' >escape-cfg.yaml
mkdir -p "rd-esc" && printf 'id: [unclosed\n' >"rd-esc/$(printf 'r\033[1mule.yaml')"
printf 'rule-directories: [rd-esc]\n' >escape-rd.yaml
for config in escape-cfg.yaml escape-rd.yaml; do
  check "stderr for a hostile $config carries no control or bidi character" \
    bash -c "'$bin' --config $config t.yaml 2>&1 >/dev/null | scan 40"
done
printf '{"Resources": {"NonChar\xef\xbf\xbe\xef\xbf\xbf": {"Type": "AWS::S3::Bucket"}}}' >h60.json
check "h60 U+FFFE/U+FFFF in a resource name: junit is well-formed XML" \
  bash -c "'$bin' -f junit h60.json | python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())'"
# h62: node ids that a careless mapping would merge, and ones that would break out of the syntax.
python3 - <<'PY'
import json
ids = ["A-B", "A.B", "A_B", "A__B", "A_2dB", "end", "X\nflowchart TB\nY",
       "Q\"]:::x; click r_A_B \"javascript:alert(1)\"", "Back\\", "Back\\\\", "Pct%22", "Pct\""]
json.dump({"Resources": {i: {"Type": "AWS::SNS::Topic"} for i in ids}}, open("ids.json", "w"))
PY
mermaid=$("$bin" graph ids.json --format mermaid)
check "h62 mermaid: 12 ids, 12 distinct nodes" \
  test "$(grep -cE '^ +r_[A-Za-z0-9_]+\["' <<<"$mermaid")" = 12
check "... the node ids are distinct" \
  test "$(grep -oE '^ +r_[A-Za-z0-9_]+\[' <<<"$mermaid" | sort -u | wc -l)" = 12
check "... no id or label breaks a line or closes the label early" \
  bash -c "[ \"\$(wc -l <<<\"\$1\")\" = 16 ] && ! grep -E '^ +r_' <<<\"\$1\" | grep -vE '^ +r_[A-Za-z0-9_]+\[\"[^\"]*\"\]$' | grep -q ." _ "$mermaid"
if command -v dot >/dev/null; then
  check "h62 DOT: 12 ids are 12 nodes for Graphviz" \
    test "$("$bin" graph ids.json | dot -Tsvg | grep -c 'class="node"')" = 12
else
  echo "SKIP: Graphviz is not installed; DOT ids not counted by dot"
fi
check "... and in the DOT text, 12 distinct node ids" \
  test "$("$bin" graph ids.json | grep -oE '^  "[^"]*" \[label' | sort -u | wc -l)" = 12

check "no temporary file is left anywhere" test -z "$(leftovers)"
finish
