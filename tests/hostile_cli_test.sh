#!/usr/bin/env bash
# Hostile inputs at the command line: huge files and streams, a folder full of traps (link
# loops, dangling links, unreadable files and folders, a FIFO, names that are not UTF-8),
# files that cannot be read, one bad file among good ones, --jobs, and --output.
# Usage: tests/hostile_cli_test.sh path/to/stacklint
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/checks.sh"

cp "$single_az_database" "$tmp/db.yaml"

# A 100 MB file is refused from its size, without being read.
{
  echo "Resources:"
  yes "  # padding padding padding padding padding padding padding padding padding" | head -c 100M
} >"$tmp/huge.yaml"
out=$("$bin" "$tmp/huge.yaml" 2>&1)
check "a 100 MB file is T001 'too large' with its size" has "huge.yaml:1:1: error: the file is too large.*100 MB" "$out"
if command -v strace >/dev/null; then
  strace -f -e trace=read,pread64 -o "$tmp/trace" "$bin" "$tmp/huge.yaml" >/dev/null 2>&1
  read_bytes=$(awk '{ if (match($0, /= [0-9]+$/)) sum += substr($0, RSTART + 2) } END { print sum + 0 }' "$tmp/trace")
  check "... and less than 4 MB of it is read (read $read_bytes bytes)" test "$read_bytes" -lt 4000000
else
  echo "SKIP: strace is not installed; cannot count the bytes read from the 100 MB file"
fi
out=$(head -c 100M /dev/zero | "$bin" - 2>&1)
check "100 MB on standard input is T001 'too large' (read bounded)" has "too large" "$out"
rm -f "$tmp/huge.yaml"

# A read error on a file that opens fine (/proc/self/mem reads EIO at offset 0), even as root.
out=$("$bin" /proc/self/mem 2>&1)
code=$?
check "a file that cannot be read is reported" has "/proc/self/mem.*cannot read file" "$out"
check "... and is exit 2 when it is the only input" test "$code" = 2
out=$("$bin" /proc/self/mem "$tmp/db.yaml" 2>&1)
code=$?
check "... and the other files are still linted, exit 2 as a named file was not read" \
  bash -c "[ $code = 2 ] && grep -q 'db.yaml:6:16: warning' <<<\"\$1\"" _ "$out"

# A folder full of traps, with one good template in it.
tree="$tmp/tree"
mkdir -p "$tree/sub" "$tree/loop" "$tree/dir.yaml" "$tree/locked"
cp "$tmp/db.yaml" "$tree/sub/good.yaml"
ln -s .. "$tree/loop/up"              # a folder link loop
ln -s self.yaml "$tree/self.yaml"     # a file link loop
ln -s nowhere.yaml "$tree/dangling.yaml"
mkfifo "$tree/fifo.yaml"              # reading it would block forever
printf 'Resources: {}\n' >"$tree/$(printf 'bad\xffname').yaml"
cp "$tmp/db.yaml" "$tree/locked/hidden.yaml"
cp "$tmp/db.yaml" "$tree/unreadable.yaml"
printf 'Resources:\n  A: [unclosed\n' >"$tree/broken.yaml"
printf '{"Resources": \x00\x01}' >"$tree/binary.json"
out=$(timeout 20 "$bin" --format text "$tree" 2>&1)
code=$?
# Exit 2, not 1: the links to nothing and the name that is not UTF-8 could not be linted.
check "a folder of traps is walked without hanging, exit 2 (status $code)" test "$code" = 2
check "... the good template is linted" has "sub/good.yaml:6:16: warning" "$out"
check "... a file link loop is reported" has "self.yaml: .*skipped: Too many levels of symbolic links" "$out"
check "... a dangling link is reported" has "dangling.yaml: .*skipped: No such file" "$out"
check "... a name that is not UTF-8 is reported, printably" has "bad�name.yaml: .*not valid UTF-8" "$out"
check "... a broken template is T001" has "broken.yaml:2:.*T001" "$out"
check "... binary data is T001" has "binary.json:1:15:.*NUL byte" "$out"
check "... the link loop is not followed" bash -c "! grep -q 'loop/up' <<<\"\$1\"" _ "$out"
check "... the output is valid JSON despite the bad name" bash -c \
  "'$bin' --format json '$tree' | python3 -c 'import json,sys; json.load(sys.stdin)'"

# Unreadable files and folders: root reads everything, so drop to nobody when root.
as_user=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "SKIP: running as root without setpriv; unreadable files cannot be produced"
  fi
fi
if [ "$(id -u)" != 0 ] || [ ${#as_user[@]} -gt 0 ]; then
  chmod -R a+rX "$tmp"
  chmod 000 "$tree/locked" "$tree/unreadable.yaml"
  out=$(timeout 20 "${as_user[@]}" "$bin" "$tree" 2>&1)
  code=$?
  check "unreadable: exit 2, not 1 for the findings of the readable files (status $code)" \
    test "$code" = 2
  check "... an unreadable folder is reported" has "locked: .*cannot read folder: Permission denied" "$out"
  check "... an unreadable file is reported" has "unreadable.yaml: .*cannot open file: Permission denied" "$out"
  check "... the readable template is still linted" has "sub/good.yaml:6:16: warning" "$out"
  out=$(timeout 20 "${as_user[@]}" "$bin" "$tree/locked" "$tree/unreadable.yaml" 2>&1)
  check "exit 2 when nothing at all could be read" test $? = 2
  chmod 755 "$tree/locked"
  chmod 644 "$tree/unreadable.yaml"
fi

# One bad file never aborts a multi-file run: every hostile input, then a good one, named.
hostile="$tmp/hostile"
mkdir -p "$hostile"
python3 - "$hostile" <<'PY'
import os, sys
d = sys.argv[1]
n = 100000
files = {
    "deep.yaml": "Resources:\n  A: " + "[" * n + "]" * n,
    "deep.json": "[" * n + "]" * n,
    "bomb.yaml": "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        "a%d: &a%d [%s]\n" % (i, i, ",".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)),
    "empty.yaml": "",
    "comment.yaml": "# nothing\n",
    "tabs.yaml": "Resources:\n\tA: 1\n",
    "multi.yaml": "Resources: {}\n---\nResources: {}\n",
    "garbage.json": '{"Resources": {}} trailing',
    "keys.yaml": "Resources:\n  ? [a]\n  : 1\n",
    "number.json": '{"Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": {"N": 1' + "0" * 500 + "}}}}",
}
for name, text in files.items():
    open(os.path.join(d, name), "w").write(text)
open(os.path.join(d, "utf8.yaml"), "wb").write(b"Resources:\n  A: \xff\n")
open(os.path.join(d, "nul.yaml"), "wb").write(b"Resources:\x00\n")
PY
out=$(timeout 60 "$bin" --format concise "$hostile"/* "$tmp/db.yaml" 2>&1)
code=$?
check "hostile files then a good one: exit 1, not a crash (status $code)" test "$code" = 1
check "... the good file after them is linted" has "db.yaml:6:16: warning" "$out"
check "... every unreadable one is a T001" test "$(grep -c 'T001' <<<"$out")" = 11
check "... and the one with a huge number is not" bash -c "! grep -q 'number.json.*T001' <<<\"\$1\"" _ "$out"

# --jobs N gives the output of --jobs 1, on fixtures and a sample of the corpus.
corpus="$(dirname "$0")/../../shared/corpus"
# A copy, so that edits to the fixtures during the run cannot make the outputs differ.
mkdir "$tmp/fixtures"
cp -r testdata examples "$tmp/fixtures/"
inputs=("$tmp/fixtures" "$hostile")
if [ -d "$corpus" ]; then
  mapfile -t sample < <(find "$corpus" -type f \( -name '*.yaml' -o -name '*.json' \) | sort | awk 'NR % 10 == 0')
  inputs+=("${sample[@]}")
else
  echo "SKIP: no corpus at $corpus; --jobs compared on fixtures only"
fi
for format in text json sarif; do
  for jobs in 1 2 7; do
    "$bin" --fail-level none --format "$format" --jobs $jobs "${inputs[@]}" >"$tmp/jobs$jobs" 2>&1
  done
  check "--jobs 2 and 7 print what --jobs 1 prints ($format, ${#inputs[@]} inputs)" \
    bash -c "[ -s '$tmp/jobs1' ] && cmp -s '$tmp/jobs1' '$tmp/jobs2' && cmp -s '$tmp/jobs1' '$tmp/jobs7'"
done

# --output: written whole, or not at all.
expected=$("$bin" --format json "$tmp/db.yaml")
"$bin" --format json --output "$tmp/report.json" "$tmp/db.yaml"
check "--output writes exactly what stdout shows" test "$(cat "$tmp/report.json")" = "$expected"
check "... and leaves no temporary file behind" test -z "$(find "$tmp" -maxdepth 1 -name '*stacklint-tmp*')"
"$bin" --format json --output "$tmp/no/such/folder/report.json" "$tmp/db.yaml" 2>/dev/null
check "--output into a missing folder is exit 2" test $? = 2
check "... and creates nothing" test ! -e "$tmp/no"
mkdir "$tmp/taken.json"
touch "$tmp/taken.json/keep"
"$bin" --format json --output "$tmp/taken.json" "$tmp/db.yaml" 2>/dev/null
check "--output onto a folder is exit 2" test $? = 2
check "... the folder is untouched and no temporary file is left" \
  bash -c "[ -e '$tmp/taken.json/keep' ] && [ -z \"\$(find '$tmp' -maxdepth 1 -name '*stacklint-tmp*')\" ]"
cp "$tmp/db.yaml" "$tmp/input.yaml"
before=$(sha1sum <"$tmp/input.yaml")
"$bin" --format json --output "$tmp/./input.yaml" "$tmp/input.yaml" 2>/dev/null
check "--output naming an input template is exit 2" test $? = 2
check "... and the template is left as it was" test "$(sha1sum <"$tmp/input.yaml")" = "$before"
if [ ${#as_user[@]} -gt 0 ] || [ "$(id -u)" != 0 ]; then
  mkdir "$tmp/ro"
  echo "previous report" >"$tmp/ro/report.json"
  chmod 777 "$tmp/ro/report.json"
  chmod 555 "$tmp/ro"
  "${as_user[@]}" "$bin" --format json --output "$tmp/ro/report.json" "$tmp/db.yaml" 2>/dev/null
  check "--output that cannot be written whole is exit 2" test $? = 2
  check "... and the previous file is left as it was, not truncated" \
    test "$(cat "$tmp/ro/report.json")" = "previous report"
  chmod 755 "$tmp/ro"
fi

finish
