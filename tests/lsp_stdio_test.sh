#!/usr/bin/env bash
# `stacklint lsp` as a process over pipes: bad headers, an absurd Content-Length and a message
# split across writes are answered and the server keeps serving; the exit codes LSP gives (0
# after shutdown and exit, 1 for exit without shutdown, 1 when the stream just ends); and,
# under strace where it is installed, the server opens no file for writing.
# Usage: tests/lsp_stdio_test.sh path/to/stacklint
set -euo pipefail
stacklint=$(realpath "$1")
lib=$(cd "$(dirname "$0")/lib" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir project
printf 'ignore: [S201]\n' > project/.stacklint.yaml
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: {Engine: postgres, MultiAZ: false}\n' > project/t.yaml

PYTHONPATH="$lib" python3 - "$stacklint" "$work" <<'PY'
import json, os, shutil, subprocess, sys, time
from checks import check, finish
stacklint, work = sys.argv[1], sys.argv[2]

def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def run(chunks, strace=False):
    """Writes the chunks one by one and returns (exit code, messages read, strace log)."""
    command = [stacklint, "lsp"]
    log = os.path.join(work, "strace.log")
    if strace:
        command = ["strace", "-f", "-qq", "-e", "trace=open,openat,creat,truncate,rename,unlink,mkdir",
                   "-o", log] + command
    env = dict(os.environ)
    if strace:  # LeakSanitizer (in the sanitizer build) cannot run under ptrace
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=work,
                               env=env)
    for chunk in chunks:
        process.stdin.write(chunk)
        process.stdin.flush()
        time.sleep(0.05)
    process.stdin.close()
    output = process.stdout.read()
    code = process.wait(timeout=60)
    messages = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        messages.append(json.loads(rest[:length]))
        output = rest[length:]
    return code, messages, open(log).read() if strace else ""

uri = "file://" + os.path.join(work, "project", "t.yaml")
text = open(os.path.join(work, "project", "t.yaml")).read()
initialize = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
opened = frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
shutdown = frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
exit_ = frame({"jsonrpc": "2.0", "method": "exit"})

use_strace = shutil.which("strace") is not None
code, messages, log = run([
    b"X-Nothing: 1\r\n\r\n",                                # no length
    initialize[:10], initialize[10:30], initialize[30:],    # one message in three writes
    b"Content-Length: 5\r\n\r\n{oops",                     # not JSON
    frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    opened,
    # Absurd: refused without allocating it; what follows is its body, skipped to the end.
    b"Content-Length: 99999999999999999999999999\r\n\r\n" + b"x" * 100000,
], strace=False)
# The stream ended without exit: 1.
check(f"a stream that ends without exit exits 1 (got {code})", code == 1)
errors = [m for m in messages if "error" in m]
check("three frame or JSON errors, each with id null and ParseError",
      len(errors) == 3 and all(m["id"] is None and m["error"]["code"] == -32700 for m in errors))
check("initialize answered after the bad frames", any(m.get("id") == 1 and "result" in m for m in messages))
published = [m for m in messages if m.get("method") == "textDocument/publishDiagnostics"]
codes = [d["code"] for m in published for d in m["params"]["diagnostics"]]
check(f"the template's nearest .stacklint.yaml applies (R110 but not S201): {codes}",
      codes == ["R110"])

code, messages, log = run([initialize, opened, shutdown, exit_], strace=use_strace)
check(f"shutdown then exit exits 0 (got {code})", code == 0)
if use_strace:
    writes = [line for line in log.splitlines()
              if any(flag in line for flag in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"))
              or any(call in line for call in ("creat(", "truncate(", "rename(", "unlink(", "mkdir("))]
    writes = [line for line in writes if "/dev/" not in line]
    check(f"no file opened for writing: {writes[:3]}", not writes)
else:
    print("SKIP: strace is not installed; the no-writes check did not run")

code, messages, log = run([initialize, exit_])
check(f"exit without shutdown exits 1 (got {code})", code == 1)
finish()
PY
