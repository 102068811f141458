#!/usr/bin/env bash
# The benchmark: stacklint over ../shared/corpus/ and over synthetic templates.
#
#   tools/bench.sh [stacklint binary]     # default: build/stacklint, built first if missing
#
# Prints the machine, then: files, bytes, wall time, templates/s, MB/s and peak memory for the
# whole corpus (best of 5 runs, all cores), the time by stage (stacklint --stats), the parse-only
# floor (yaml-cpp/RapidJSON alone, tools/parse_only.cpp) beside stacklint on one thread,
# start-up (stacklint --version), a scaling series (one template at 1x, 4x, 16x), 40 independent
# conditions against none, and a ~1 MB template. Takes about a minute; not a test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/stacklint}
if [ ! -x "$bin" ]; then
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" -j2 --target stacklint >/dev/null
fi
corpus=$root/../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "no corpus at $corpus" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Built as the project is (Release: -O3 -DNDEBUG), without the project's build system.
c++ -std=c++20 -O3 -DNDEBUG "$root/tools/parse_only.cpp" -o "$work/parse_only" \
  $(pkg-config --cflags --libs yaml-cpp)

python3 - "$bin" "$corpus" "$work" <<'PY'
import os, re, statistics, subprocess, sys, time

bin, corpus, work = sys.argv[1:4]
SUFFIXES = (".yaml", ".yml", ".json", ".template")


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(args, runs=5):
    """Best wall time of `runs`, the --stats line and peak RSS (KB) of that run."""
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        p = run(["/usr/bin/time", "-f", "maxrss=%M"] + args)
        wall = time.perf_counter() - start
        if best is None or wall < best[0]:
            rss = int(re.search(r"maxrss=(\d+)", p.stderr).group(1))
            best = (wall, p.stderr, rss)
    return best


def stages(stderr):
    m = re.search(r"load ([\d.]+) ms, graph ([\d.]+) ms, rules ([\d.]+) ms, report ([\d.]+) ms", stderr)
    return [float(x) for x in m.groups()] if m else [0, 0, 0, 0]


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024
version = run([bin, "--version"]).stdout.strip()
print(f"machine: {os.cpu_count()} cores, {cpu}, {mem} MB RAM; {version}")

files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(SUFFIXES))
size = sum(os.path.getsize(f) for f in files)
print(f"\ncorpus: {len(files)} files, {size / 1e6:.1f} MB")
wall, err, rss = timed([bin, "--fail-level", "none", "--format", "json", "--stats", corpus])
load, graph, rules, report = stages(err)
print(f"  all cores: wall {wall * 1000:.0f} ms, {len(files) / wall:.0f} templates/s, "
      f"{size / 1e6 / wall:.1f} MB/s, peak memory {rss / 1024:.1f} MB")
print(f"  cpu time by stage: load {load:.0f} ms, graph {graph:.0f} ms, rules {rules:.0f} ms, "
      f"report {report:.0f} ms")

# One thread each, so that the overhead over parsing is not blurred by scheduling.
parse = min(float(run([os.path.join(work, "parse_only")] + files).stdout) for _ in range(3))
one, err, _ = timed([bin, "--fail-level", "none", "--format", "json", "--stats", "--jobs", "1", corpus], runs=3)
documents = min(float(run([os.path.join(work, "parse_only"), "--documents"] + files).stdout)
                for _ in range(3))
print(f"  one thread: parse only (yaml-cpp/RapidJSON, no-op handler) {parse * 1000:.0f} ms; "
      f"stacklint {one * 1000:.0f} ms: +{(one - parse) / parse * 100:.0f}% over parsing")
print(f"  one thread: yaml-cpp's own loader (YAML::Load; RapidJSON Document) {documents * 1000:.0f} ms; "
      f"stacklint {one * 1000:.0f} ms: {(one - documents) / documents * 100:+.0f}%")

starts = []
for _ in range(200):
    start = time.perf_counter()
    subprocess.run([bin, "--version"], stdout=subprocess.DEVNULL)
    starts.append(time.perf_counter() - start)
print(f"\nstart-up (stacklint --version, 200 runs): median {statistics.median(starts) * 1000:.2f} ms")


def block(i):
    return f"""  Vpc{i}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.{i % 250}.0.0/16
  SubnetA{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{i}
      CidrBlock: 10.{i % 250}.0.0/24
      AvailabilityZone: !Select [0, !GetAZs '']
  SubnetB{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{i}
      CidrBlock: 10.{i % 250}.1.0/24
      AvailabilityZone: !Select [1, !GetAZs '']
  Nat{i}:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref SubnetA{i}
      AllocationId: !GetAtt Eip{i}.AllocationId
  Eip{i}:
    Type: AWS::EC2::EIP
    DependsOn: Vpc{i}
  Routes{i}:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc{i}
  Route{i}:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Routes{i}
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat{i}
  Db{i}:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MultiAZ: false
      DBSubnetGroupName: !Ref DbSubnets{i}
  DbSubnets{i}:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: !Sub "subnets of ${{AWS::StackName}} {i}"
      SubnetIds: [!Ref SubnetA{i}, !Ref SubnetB{i}]
  Bucket{i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Join ['-', [!Ref 'AWS::StackName', logs, '{i}']]
"""


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def lint_one(path):
    wall, err, _ = timed([bin, "--fail-level", "none", "--stats", path])
    return wall, stages(err)


def line(label, path):
    wall, (load, graph, rules, report) = lint_one(path)
    kb = os.path.getsize(path) / 1024
    print(f"  {label:<28} {kb:8.0f} KB  wall {wall * 1000:7.1f} ms  "
          f"load {load:6.1f}  graph {graph:6.1f}  rules {rules:6.1f}  report {report:6.1f} ms  "
          f"({(load + graph + rules + report) / kb * 1000:.0f} us/KB)")


header = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
print("\nscaling (the same template repeated; us/KB should stay flat):")
for n in (1, 4, 16):
    line(f"{n}x", write(f"scale{n}.yaml", header + "".join(block(i) for i in range(4 * n))))

print("\nconditions (40 independent ones must cost what none cost):")
params = "".join(f"  P{i}:\n    Type: String\n" for i in range(40))
conds = "".join(f"  C{i}: !Equals [!Ref P{i}, 'yes']\n" for i in range(40))


def choices(conditional):
    out = "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n"
    nested = "false"
    for i in range(40):
        nested = f"!If [C{i}, true, {nested}]" if conditional else nested
    out += f"      MultiAZ: {nested}\n"
    parts = ", ".join((f"!If [C{i}, a{i}, b{i}]" if conditional else f"a{i}") for i in range(40))
    out += f"      DBName: !Join ['', [{parts}]]\n"
    for i in range(40):
        out += f"  Bucket{i}:\n    Type: AWS::S3::Bucket\n"
        if conditional:
            out += f"    Condition: C{i}\n"
        out += ("    Properties:\n      VersioningConfiguration:\n        Status: "
                + (f"!If [C{i}, Enabled, Suspended]" if conditional else "Enabled") + "\n")
    return out


line("40 conditions", write("conditions40.yaml",
     "Parameters:\n" + params + "Conditions:\n" + conds + "Resources:\n" + choices(True)))
line("no conditions", write("conditions0.yaml", "Resources:\n" + choices(False)))

print("\na ~1 MB template (CloudFormation's limit):")
copies = int(1024 * 1024 / len(block(10)))
line(f"{copies} copies of 11 resources", write("one-mb.yaml", header + "".join(block(i) for i in range(copies))))
PY
