#!/usr/bin/env python3
"""fuzz.py - boot mica with run=sysfuzz,SEED,COUNT,TASKS and report.

    tools/fuzz.py --build build --seed 7 --count 50000 [--tasks 4]

Prints the sysfuzz lines (and a panic, if any) and exits 0 only if the
run ended with "sysfuzz: seed S: ... done" and QEMU left through the
isa-debug-exit device with status 1 (init's poweroff(0)). The whole
serial log is BUILD/test-logs/fuzz-SEED.log. A failing seed reproduces:
run the same command again.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runtests import Runner, tail  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()
    r = Runner(args.build, args.timeout)
    q = r.boot_kernel("fuzz-%d" % args.seed, "run=sysfuzz,%d,%d,%d" % (
        args.seed, args.count, args.tasks))
    end = r"sysfuzz: seed \d+: .*(done|FAILED)|System halted|PANIC"
    q.wait_for(end, args.timeout)
    status = q.wait_exit(10)
    out = q.text()
    for line in out.split("\n"):
        if re.match(r"(sysfuzz|PANIC|check:|UBSAN)", line):
            print(line)
    ok = status == 1 and re.search(
        r"^sysfuzz: seed %d: \d+ calls, \d+ faults, done$" % args.seed,
        out, re.M)
    if not ok:
        print("sysfuzz: seed %d FAILED (QEMU status %s); log: %s\n%s" % (
            args.seed, status, r.log("fuzz-%d" % args.seed), tail(out, 30)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
