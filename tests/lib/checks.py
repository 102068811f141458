# The assertions shared by the Python parts of the shell tests, as tests/lib/checks.sh is for
# the shell parts: call check("what", ok) for each assertion and end with finish(), which prints
# the count and exits 1 if any failed.
import sys

failures = passes = 0


def check(what, ok):
    global failures, passes
    if ok:
        passes += 1
    else:
        failures += 1
        print("FAIL:", what)


def finish():
    print(f"{passes} passed, {failures} failed")
    sys.exit(1 if failures else 0)
