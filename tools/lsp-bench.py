#!/usr/bin/env python3
"""The language server's benchmark (not a test): `stacklint lsp` over pipes, as an editor runs it.

    tools/lsp-bench.py [stacklint binary] [edits] [--json]
                                  # default: build/stacklint, 10000 edits, the template in YAML

Opens a ~100 KB template (VPC, subnets, databases, buckets, queues, functions with Refs and
GetAtts between them), then sends `edits` incremental didChange notifications one at a time, as
a person typing would (each waits for its diagnostics before the next): a value toggled in the
middle of the file, a character typed into a value and deleted. Prints the latency from writing a
didChange to reading the publishDiagnostics of that version (p50, p95, p99, max), and the
server's resident memory (VmRSS from /proc) after opening, after the first 100 edits and after
all of them: memory must stay flat; and the server's CPU time per edit (from /proc), which a
busy machine does not inflate as it does latency. --json sends the same template as JSON (RapidJSON
loads it far faster than yaml-cpp loads YAML, which shows the server's own overhead). Then a burst: 200 changes written at once, and how many
versions got published (the server lints only the latest).
"""
import json
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
as_json = "--json" in sys.argv
args = [a for a in sys.argv[1:] if a != "--json"]
binary = args[0] if args else os.path.join(root, "build", "stacklint")
edits = int(args[1]) if len(args) > 1 else 10000


def template(target=100 * 1024):
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Parameters:",
             "  Env: {Type: String, Default: prod}", "Resources:",
             "  Vpc:", "    Type: AWS::EC2::VPC", "    Properties: {CidrBlock: 10.0.0.0/16}"]
    i = 0
    while len("\n".join(lines)) < target:
        lines += [
            f"  Subnet{i}:", "    Type: AWS::EC2::Subnet", "    Properties:",
            "      VpcId: !Ref Vpc", f"      CidrBlock: 10.{i % 250}.{i // 250}.0/24",
            f"      AvailabilityZone: !Select [{i % 2}, !GetAZs '']",
            f"  Db{i}:", "    Type: AWS::RDS::DBInstance", "    Properties:",
            "      Engine: postgres", "      DBInstanceClass: db.t3.micro",
            "      StorageEncrypted: true", "      MultiAZ: false",
            f"      DBSubnetGroupName: !Ref Group{i}",
            f"  Group{i}:", "    Type: AWS::RDS::DBSubnetGroup", "    Properties:",
            "      DBSubnetGroupDescription: databases",
            f"      SubnetIds: [!Ref Subnet{i}]",
            f"  Bucket{i}:", "    Type: AWS::S3::Bucket", "    Properties:",
            "      VersioningConfiguration: {Status: Enabled}",
            f"      Tags: [{{Key: env, Value: !Ref Env}}]",
            f"  Queue{i}:", "    Type: AWS::SQS::Queue",
            f"  Function{i}:", "    Type: AWS::Lambda::Function", "    Properties:",
            "      Runtime: python3.12", "      Handler: app.handler",
            "      Role: !GetAtt Role.Arn", "      Code: {ZipFile: 'def handler(e, c): pass'}",
            "      Environment:", "        Variables:",
            f"          QUEUE: !GetAtt Queue{i}.Arn", f"          BUCKET: !Ref Bucket{i}",
        ]
        i += 1
    lines += ["  Role:", "    Type: AWS::IAM::Role", "    Properties:",
              "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}"]
    return "\n".join(lines) + "\n"


def json_template(target=100 * 1024):
    resources = {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
                 "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
                     "Version": "2012-10-17", "Statement": []}}}}
    i = 0
    while len(json.dumps(resources, indent=2)) < target:
        resources[f"Subnet{i}"] = {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": f"10.{i % 250}.{i // 250}.0/24",
            "AvailabilityZone": {"Fn::Select": [i % 2, {"Fn::GetAZs": ""}]}}}
        resources[f"Db{i}"] = {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Engine": "postgres", "DBInstanceClass": "db.t3.micro", "StorageEncrypted": True,
            "MultiAZ": False, "DBSubnetGroupName": {"Ref": f"Group{i}"}}}
        resources[f"Group{i}"] = {"Type": "AWS::RDS::DBSubnetGroup", "Properties": {
            "DBSubnetGroupDescription": "databases", "SubnetIds": [{"Ref": f"Subnet{i}"}]}}
        resources[f"Bucket{i}"] = {"Type": "AWS::S3::Bucket", "Properties": {
            "VersioningConfiguration": {"Status": "Enabled"}}}
        resources[f"Queue{i}"] = {"Type": "AWS::SQS::Queue"}
        i += 1
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources},
                      indent=2) + "\n"


class Server:
    def __init__(self):
        self.process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, bufsize=0)
        self.out = self.process.stdout

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def receive(self):
        length = None
        while True:
            line = b""
            while not line.endswith(b"\r\n"):
                line += self.out.read(1)
            if line == b"\r\n":
                break
            name, value = line.decode().split(":", 1)
            if name.lower() == "content-length":
                length = int(value)
        body = b""
        while len(body) < length:
            body += self.out.read(length - len(body))
        return json.loads(body)

    def until(self, predicate):
        while True:
            message = self.receive()
            if predicate(message):
                return message

    def cpu_ms(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_kb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def published(version):
    return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"].get("version") == version)


text = template()
uri = "file:///bench/template.yaml"
toggle_marker = "      MultiAZ: false"
if as_json:
    text = json_template()
    uri = "file:///bench/template.json"
    toggle_marker = '        "MultiAZ": false,'
lines = text.split("\n")
toggle_line = next(i for i, l in enumerate(lines) if l == toggle_marker and i > len(lines) // 2)
toggle_column = lines[toggle_line].index("false")
typing_line = next(i for i, l in enumerate(lines)
                   if "DBSubnetGroupDescription" in l and i > len(lines) // 2)
typing_column = lines[typing_line].index("databases") + len("databases")

server = Server()
server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"processId": None, "rootUri": None, "capabilities": {}}})
server.until(lambda m: m.get("id") == 1)
server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
started = time.perf_counter()
server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
first = server.until(published(1))
open_ms = (time.perf_counter() - started) * 1000
rss_open = server.rss_kb()


def change(version):
    if version % 2 == 0:  # toggle MultiAZ in the middle of the file
        value = "true" if version % 4 == 0 else "false"
        old = 5 if value == "true" else 4
        return {"range": {"start": {"line": toggle_line, "character": toggle_column},
                          "end": {"line": toggle_line, "character": toggle_column + old}},
                "text": value}
    if version % 4 == 1:  # a character typed into a value, then deleted
        return {"range": {"start": {"line": typing_line, "character": typing_column},
                          "end": {"line": typing_line, "character": typing_column + 1}},
                "text": ""}
    return {"range": {"start": {"line": typing_line, "character": typing_column},
                      "end": {"line": typing_line, "character": typing_column}}, "text": "s"}


latencies = []
rss_100 = None
version = 1
for n in range(edits):
    version += 1
    started = time.perf_counter()
    if n == 0:
        cpu_start = server.cpu_ms()
    server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version}, "contentChanges": [change(version)]}})
    server.until(published(version))
    latencies.append((time.perf_counter() - started) * 1000)
    if n == min(99, edits - 1):
        rss_100 = server.rss_kb()
rss_end = server.rss_kb()
cpu_per_edit = (server.cpu_ms() - cpu_start) / edits

# A burst: 200 changes written at once; only the last must be linted and published.
burst_first = version + 1
for n in range(200):
    version += 1
    server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version}, "contentChanges": [change(version)]}})
seen = []
server.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
             and (seen.append(m["params"]["version"]) or m["params"]["version"] == version))

server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
server.until(lambda m: m.get("id") == 2)
server.send({"jsonrpc": "2.0", "method": "exit"})
code = server.process.wait()

latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]


print(f"template: {'JSON' if as_json else 'YAML'}, {len(text) / 1024:.0f} KB, {len(lines)} lines, "
      f"{len(first['params']['diagnostics'])} diagnostics; didOpen to diagnostics {open_ms:.1f} ms")
print(f"didChange -> publishDiagnostics over {edits} edits: p50 {pct(50):.2f} ms, "
      f"p95 {pct(95):.2f} ms, p99 {pct(99):.2f} ms, max {latencies[-1]:.2f} ms, "
      f"mean {statistics.mean(latencies):.2f} ms")
print(f"server CPU time per edit: {cpu_per_edit:.2f} ms")
print(f"server RSS: {rss_open / 1024:.1f} MB after open, {rss_100 / 1024:.1f} MB after 100 edits, "
      f"{rss_end / 1024:.1f} MB after {edits} edits")
print(f"burst of 200 changes written at once: {len(seen)} publications "
      f"(versions {seen[0]}..{seen[-1]}), none older than the burst: "
      f"{all(v >= burst_first for v in seen)}")
print(f"exit code after shutdown/exit: {code}")
