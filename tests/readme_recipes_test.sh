#!/usr/bin/env bash
# Every shell recipe in the README works as written on a clean Debian machine, as far as packages
# go: each recipe's apt-get lists cover what CMakeLists.txt requires for what that recipe builds
# (find_package/pkg_check_modules, mapped to Debian packages here; doctest only when tests are
# built), plus the tools it runs (cpack needs dpkg-dev, git clone needs git, pre-commit ...),
# and every package named exists. And the version is one: the README's pre-commit `rev:` and
# `--branch` tags are v<project(VERSION)>, and CHANGELOG.md has that version's section.
# Usage: tests/readme_recipes_test.sh [ignored]   (run from the source folder)
set -u
PYTHONPATH="$(cd "$(dirname "$0")/lib" && pwd)" exec python3 - "${RECIPES_ROOT:-.}" <<'PY'
import os, re, shutil, subprocess, sys
from checks import check, finish

root = sys.argv[1]
read = lambda name: open(os.path.join(root, name), encoding="utf-8").read()
readme, cmakelists, changelog = read("README.md"), read("CMakeLists.txt"), read("CHANGELOG.md")

# CMake package (find_package) or pkg-config module -> the Debian package that provides it, and a
# file of that package that proves it (checked with dpkg -L where the package is installed).
PROVIDERS = {
    "yaml-cpp": ("libyaml-cpp-dev", r"/yaml-cpp-config\.cmake$"),
    "RapidJSON": ("rapidjson-dev", r"/RapidJSONConfig\.cmake$"),
    "CLI11": ("libcli11-dev", r"/CLI11Config\.cmake$"),
    "doctest": ("doctest-dev", r"/doctestConfig\.cmake$"),
    "PkgConfig": ("pkg-config", None),  # bookworm: a transitional package for pkgconf
    "pkg:re2": ("libre2-dev", r"/re2\.pc$"),
    "Threads": (None, None),  # the C library
}
ALWAYS = {"g++", "cmake", "make"}  # project(... LANGUAGES CXX), the default generator

# What CMakeLists.txt requires, split by whether it sits under if(BUILD_TESTING).
required = {"always": set(), "testing": set()}
stack = []
for line in cmakelists.splitlines():
    line = line.split("#", 1)[0].strip()
    if re.match(r"if\s*\(", line):
        stack.append("testing" if re.match(r"if\s*\(\s*BUILD_TESTING\s*\)", line) else "other")
    elif re.match(r"endif\s*\(", line):
        stack.pop()
    found = re.match(r"find_package\s*\(\s*(\S+)(.*)", line)
    modules = []
    if found and "REQUIRED" in found.group(2):
        modules = [found.group(1)]
    pkg = re.match(r"pkg_check_modules\s*\(\s*\S+\s+(.*)\)", line)
    if pkg and "REQUIRED" in pkg.group(1):
        modules = ["pkg:" + m for m in pkg.group(1).split() if m not in ("REQUIRED", "IMPORTED_TARGET", "QUIET")]
    if not modules:
        continue
    if "other" in stack:
        continue  # optional builds (fuzzing, sanitizers) are not what the recipes build
    for module in modules:
        check(f"CMakeLists requires {module}, which this test does not map to a Debian package", module in PROVIDERS)
        package = PROVIDERS.get(module, (None,))[0]
        if package:
            required["testing" if "testing" in stack else "always"].add(package)
check("CMakeLists requires yaml-cpp outside BUILD_TESTING", "libyaml-cpp-dev" in required["always"])
check("CMakeLists requires doctest only for BUILD_TESTING",
      "doctest-dev" in required["testing"] and "doctest-dev" not in required["always"])

# The map is true on this machine: each installed provider holds the file that proves it.
if shutil.which("dpkg"):
    for module, (package, proof) in PROVIDERS.items():
        if not package or not proof:
            continue
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
        if listing.returncode == 0:
            check(f"{package} provides {module}", any(re.search(proof, f) for f in listing.stdout.split()))

# The recipes: fenced blocks under each ## heading of the README.
sections = re.split(r"^## ", readme, flags=re.M)[1:]
recipes = 0
every_package = set()
for section in sections:
    title = section.splitlines()[0].strip()
    blocks = re.findall(r"^```(?:sh|yaml)\n(.*?)^```", section, flags=re.M | re.S)
    installed = set()
    hook_build = "stacklint-build" in section
    for block in blocks:
        for line in re.findall(r"apt-get install -y ([^&\n]*)", block):
            installed |= set(line.split())
        if not re.search(r"apt-get install|cmake -S|cpack|pre-commit install", block):
            continue
        recipes += 1
        needs = set()
        for configure in re.findall(r"cmake -S [^\n&]*", block):
            needs |= ALWAYS | required["always"]
            if "-DBUILD_TESTING=OFF" not in configure:
                needs |= required["testing"]
        if "cpack" in block:
            needs.add("dpkg-dev")
        if "git clone" in block and "GitHub" not in title:  # GitHub's runners come with git
            needs.add("git")
        if "pre-commit install" in block:
            needs |= {"pre-commit", "git"}
            if hook_build:  # the hook builds stacklint alone on first use
                needs |= ALWAYS | required["always"]
        missing = sorted(needs - installed)
        check(f"README '{title}' recipe installs what it needs (missing: {' '.join(missing)})", not missing)
        every_package |= installed
check("the README has the quick start, install, pre-commit, GitHub and GitLab recipes", recipes >= 6)

# Every package named exists (apt's lists are there after apt-get update).
if shutil.which("apt-cache"):
    names = sorted(p for p in every_package if "/" not in p)  # not ./local.deb
    policy = subprocess.run(["apt-cache", "policy", *names], capture_output=True, text=True).stdout
    candidates = dict(re.findall(r"^(\S+):\n  Installed: .*\n  Candidate: (.*)$", policy, flags=re.M))
    for package in names:
        check(f"apt knows the package {package}", candidates.get(package, "(none)") != "(none)")

# One version: project(VERSION), the tags the README names, and CHANGELOG.md.
version = re.search(r"project\(stacklint VERSION ([0-9]+\.[0-9]+\.[0-9]+)", cmakelists).group(1)
revs = re.findall(r"^\s*rev:\s*(\S+)", readme, flags=re.M)
branches = re.findall(r"--branch (\S+)", readme)
check("the README's pre-commit snippet has a rev", revs)
for tag in revs + branches:
    check(f"the README names tag {tag}, the project's version is v{version}", tag == f"v{version}")
check(f"CHANGELOG.md has a section for {version}", re.search(rf"^## {re.escape(version)}\b", changelog, flags=re.M))
hooks = read(".pre-commit-hooks.yaml")
for hook in re.findall(r"^\s*- id: (\S+)", readme, flags=re.M):
    check(f"the README's hook {hook} is defined in .pre-commit-hooks.yaml", re.search(rf"^- id: {re.escape(hook)}$", hooks, flags=re.M))

finish()
PY
