#!/usr/bin/env bash
# The benchmark: stacklint over ../shared/corpus/ and over synthetic templates. Not a test.
#
#   tools/bench.sh [options] [stacklint binary]   # default: build/stacklint, built if missing
#     --baseline BIN   also measure BIN (e.g. an older release), run alternately with stacklint
#     --callgrind      also count instructions (valgrind --tool=callgrind): repeatable where wall
#                      time is not, but slow (about 3 minutes per binary over the corpus)
#     --rounds N       rounds of the one-thread comparison (default 5)
#     --quick          only the one-thread comparison, memory and start-up
#
# Prints the machine, then:
#  - one thread over the whole corpus: the bare parse floor (yaml-cpp's event scanner with a
#    handler that does nothing, RapidJSON's Reader for JSON: tools/parse_only.cpp), stacklint
#    (and the baseline), run alternately round by round; best and median wall and CPU time of
#    each, and stacklint's ratio to the floor; peak memory (maximum resident set);
#  - with --callgrind, the same in instructions;
#  - start-up: `--version` and a tiny template, with hyperfine when installed, else a loop;
#  - all cores over the corpus (best of 5), the time by stage (stacklint --stats), a scaling
#    series (one template at 1x, 4x, 16x), 40 independent conditions against none, and a ~1 MB
#    template.
# Takes about two minutes (plus callgrind); run it on a quiet machine, and read the spread.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
baseline="" callgrind=0 rounds=5 quick=0 bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=$(realpath "$2"); shift 2 ;;
    --callgrind) callgrind=1; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) bin=$(realpath "$1"); shift ;;
  esac
done
bin=${bin:-$root/build/stacklint}
if [ ! -x "$bin" ]; then
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" -j2 --target stacklint >/dev/null
fi
corpus=$root/../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "no corpus at $corpus" >&2
  exit 2
fi
# Named as a user would name it: without the `..` (an absolute path through `..` takes the
# reports' slower path for every file, ~0.1 s over the corpus).
corpus=$(cd "$corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Built as the project is (Release: -O3 -DNDEBUG), without the project's build system.
c++ -std=c++20 -O3 -DNDEBUG "$root/tools/parse_only.cpp" -o "$work/parse_only" \
  $(pkg-config --cflags --libs yaml-cpp)

python3 - "$bin" "$corpus" "$work" "$baseline" "$callgrind" "$rounds" "$quick" <<'PY'
import json, os, re, shutil, statistics, subprocess, sys, time

bin, corpus, work, baseline = sys.argv[1:5]
callgrind, rounds, quick = sys.argv[5] == "1", int(sys.argv[6]), sys.argv[7] == "1"
SUFFIXES = (".yaml", ".yml", ".json", ".template")
folders = sorted(os.path.join(corpus, d) for d in os.listdir(corpus)
                 if os.path.isdir(os.path.join(corpus, d)))


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def measure(args):
    """Wall seconds, CPU seconds (user + system, children included), peak resident memory (KB)
    and standard error of one run. CPU time from the kernel's accounting (wait4); memory from
    /usr/bin/time, whose child starts small (a child of Python would count Python's memory)."""
    with open(os.path.join(work, "stderr"), "w+") as err:
        start = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "bench-maxrss=%M"] + args,
                             stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read()
        rss = int(re.findall(r"bench-maxrss=(\d+)", text)[-1])
        return wall, usage.ru_utime + usage.ru_stime, rss, text


def stages(stderr):
    m = re.search(r"load ([\d.]+) ms, graph ([\d.]+) ms, rules ([\d.]+) ms, report ([\d.]+) ms", stderr)
    return [float(x) for x in m.groups()] if m else [0, 0, 0, 0]


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024
load = open("/proc/loadavg").read().split()[:3]
version = run([bin, "--version"]).stdout.strip()
print(f"machine: {os.cpu_count()} cores, {cpu}, {mem} MB RAM; load average {' '.join(load)}")
print(f"stacklint: {bin} ({version})")
if baseline:
    print(f"baseline:  {baseline} ({run([baseline, '--version']).stdout.strip()})")

files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(SUFFIXES))
size = sum(os.path.getsize(f) for f in files)
print(f"\ncorpus: {len(files)} files, {size / 1e6:.1f} MB")

# One thread each, so that the overhead over parsing is not blurred by scheduling. The
# contenders run in turn within each round, so that a busy spell of the machine hits all, and
# on the same core: cores of a virtual machine can differ in speed by half (seen on a 2-core
# VM, where a run took 0.66 s on one core and 1.1 s on the other), which made the ratio swing
# with where the scheduler put each run.
floor = [os.path.join(work, "parse_only")] + files
lint = ["--fail-level", "none", "--format", "json", "--jobs", "1"] + folders
pin = []
if shutil.which("taskset") and len(os.sched_getaffinity(0)) > 1:
    core = max(os.sched_getaffinity(0))
    pin = ["taskset", "-c", str(core)]
    print(f"one-thread runs pinned to core {core} (taskset)")
contenders = [("floor", pin + floor), ("stacklint", pin + [bin] + lint)]
if baseline:
    contenders.append(("baseline", pin + [baseline] + lint))
runs = {name: [] for name, _ in contenders}
for _ in range(rounds):
    for name, args in contenders:
        runs[name].append(measure(args))


def spread(values):
    return f"best {min(values) * 1000:6.0f}  median {statistics.median(values) * 1000:6.0f}"


print(f"\none thread, {rounds} rounds (ms; CPU = user + system):")
for name, _ in contenders:
    walls = [r[0] for r in runs[name]]
    cpus = [r[1] for r in runs[name]]
    rss = max(r[2] for r in runs[name])
    print(f"  {name:<10} wall {spread(walls)}   CPU {spread(cpus)}   peak memory {rss / 1024:5.1f} MB")
for name, _ in contenders[1:]:
    def ratio(i, pick):
        return pick([r[i] for r in runs[name]]) / pick([r[i] for r in runs["floor"]])
    per_round = [a[1] / b[1] for a, b in zip(runs[name], runs["floor"])]
    print(f"  {name} / floor: wall {ratio(0, min):.3f} (best) {ratio(0, statistics.median):.3f} "
          f"(median); CPU {ratio(1, min):.3f} (best) {ratio(1, statistics.median):.3f} (median); "
          f"CPU per round {min(per_round):.3f}..{max(per_round):.3f}")
if baseline:
    cpu_of = lambda name: statistics.median([r[1] for r in runs[name]])
    print(f"  stacklint / baseline: CPU {cpu_of('stacklint') / cpu_of('baseline'):.3f} (median)")

if callgrind:
    if shutil.which("valgrind") is None:
        print("\ninstructions: valgrind is not installed")
    else:
        def instructions(args):
            p = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + args)
            return int(re.search(r"refs:\s+([\d,]+)", p.stderr).group(1).replace(",", ""))
        counts = {name: instructions(args[len(pin):]) for name, args in contenders}
        print("\ninstructions (callgrind, one thread; repeatable):")
        for name, _ in contenders:
            extra = f"  {counts[name] / counts['floor']:.3f} x floor" if name != "floor" else ""
            print(f"  {name:<10} {counts[name] / 1e9:6.2f} billion{extra}")


def startup(label, args, n=200):
    if shutil.which("hyperfine"):
        out = os.path.join(work, "hyperfine.json")
        run(["hyperfine", "-N", "--warmup", "20", "--runs", str(n), "--export-json", out,
             " ".join(args)])
        r = json.load(open(out))["results"][0]
        mean, median, sd = r["mean"], r["median"], r["stddev"]
        how = "hyperfine"
    else:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        mean, median, sd = statistics.mean(times), statistics.median(times), statistics.stdev(times)
        how = "a loop"
    rss = measure(args)[2]
    print(f"  {label:<40} median {median * 1000:5.2f} ms, mean {mean * 1000:5.2f} ± {sd * 1000:4.2f} ms, "
          f"peak memory {rss / 1024:4.1f} MB  ({n} runs, {how})")


tiny = os.path.join(work, "tiny.yaml")
with open(tiny, "w") as f:
    f.write("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
print("\nstart-up:")
for name, path in [("stacklint", bin)] + ([("baseline", baseline)] if baseline else []):
    startup(f"{name} --version", [path, "--version"])
    startup(f"{name} on a one-resource template", [path, tiny])

if quick:
    sys.exit(0)

wall, cpu_time, rss, err = min((measure([bin, "--fail-level", "none", "--format", "json", "--stats"] + folders)
                                for _ in range(5)), key=lambda r: r[0])
load_ms, graph_ms, rules_ms, report_ms = stages(err)
print(f"\nall cores: wall {wall * 1000:.0f} ms, {len(files) / wall:.0f} templates/s, "
      f"{size / 1e6 / wall:.1f} MB/s, peak memory {rss / 1024:.1f} MB (best of 5)")
print(f"  cpu time by stage: load {load_ms:.0f} ms, graph {graph_ms:.0f} ms, rules {rules_ms:.0f} ms, "
      f"report {report_ms:.0f} ms")
documents = min(float(run([os.path.join(work, "parse_only"), "--documents"] + files).stdout)
                for _ in range(3))
print(f"  one thread, yaml-cpp's own loader (YAML::Load; RapidJSON Document): {documents * 1000:.0f} ms")


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


def line(label, path):
    wall, _, _, err = min((measure([bin, "--fail-level", "none", "--stats", path]) for _ in range(5)),
                          key=lambda r: r[0])
    load_ms, graph_ms, rules_ms, report_ms = stages(err)
    kb = os.path.getsize(path) / 1024
    print(f"  {label:<28} {kb:8.0f} KB  wall {wall * 1000:7.1f} ms  "
          f"load {load_ms:6.1f}  graph {graph_ms:6.1f}  rules {rules_ms:6.1f}  report {report_ms:6.1f} ms  "
          f"({(load_ms + graph_ms + rules_ms + report_ms) / kb * 1000:.0f} us/KB)")


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
