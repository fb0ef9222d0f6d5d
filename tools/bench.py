#!/usr/bin/env python3
"""bench.py - boot mica under QEMU with exact instruction counting and run
user/bench.c; print a table and write BUILD/bench.json.

    tools/bench.py --build build [--runs 2] [--rows ROW ...] [--quick]

QEMU runs with `-icount shift=0,sleep=off`: TCG (no KVM) advances the
guest's virtual clock by exactly 1 ns per guest instruction, and the
guest's TSC follows that clock, so what `bench` reads with rdtsc are
instruction counts, the same on every boot and every host. (With
sleep=off an idle guest skips ahead to its next timer instead of waiting
in real time: idle periods cost no wall-clock time, but they do move the
clock. bench starts each measurement just after a tick for that reason.)

How bench starts: the kernel boots as usual, init starts the shell, we
wait for the `mica$ ` prompt on the serial line and type `bench <rows>`.
bench prints `bench: <row> <value> <iterations>` lines and `bench: done`,
and we stop QEMU.

Two boots per run: the default scheduler (rr) for every row but
yield_switch_ready1000, which needs sched=prio, and a second boot with
sched=prio for that row (and for yield_switch again, as the two-task figure
under the same policy, reported as yield_switch@prio).

Special rows:
  boot_to_shell     bench dumps the kernel's scheduler trace (TSC-stamped
                    state changes); the figure is the TSC of the shell's
                    first block, i.e. its first wait for input after the
                    prompt: instructions from power-on (BIOS included).
  boot_to_shell_ms  wall-clock ms from starting QEMU to the prompt,
                    measured here (under icount, so slower than a normal
                    boot). Not checked for run-to-run agreement.
  boot_to_bench     bench's own first TSC reading; it includes the
                    virtual time that raced by while the shell idled at
                    the prompt, so it is informative only.

The whole set runs --runs times (default 2); rows that differ by more
than 1% between runs are listed in a warning. The exit status is 0 unless
a boot or a bench run failed (a FAIL row, no `bench: done`, a timeout).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402  (the QEMU wrapper is shared)

QEMU = "qemu-system-i386"
PROMPT = r"mica\$ $"

ROWS = [
    "boot_to_shell", "null_syscall", "yield_switch", "rpc_roundtrip",
    "send_receive", "ool_4k", "ool_1m", "fork_exit_wait", "spawn_exit_wait",
    "fork_exec_exit_wait", "shm_item", "yield_switch_sleep1000",
    "yield_switch_sleep4000", "yield_switch_ready1000",
    "rpc_roundtrip_sleep1000", "task_bytes", "boot_to_shell_ms",
]
PRIO_ROWS = ["yield_switch", "yield_switch_ready1000"]  # the sched=prio boot

# Targets: (limit, how to read it). "x": at most limit instructions;
# "rel": at most limit times the figure of another row.
TARGETS = {
    "null_syscall": ("<=", 250),
    "yield_switch": ("<=", 600),
    "rpc_roundtrip": ("<=", 1000),
    "send_receive": ("<=", 1000),
    "ool_1m": ("rel", ("ool_4k", 3.0)),
    "fork_exit_wait": ("<=", 150000),
    "spawn_exit_wait": ("<=", 250000),
    "fork_exec_exit_wait": ("<=", 400000),
    "yield_switch_sleep1000": ("rel", ("yield_switch", 1.05)),
    "yield_switch_sleep4000": ("rel", ("yield_switch", 1.05)),
    "yield_switch_ready1000": ("rel", ("yield_switch", 1.05)),
    "rpc_roundtrip_sleep1000": ("rel", ("rpc_roundtrip", 1.05)),
}

LINE = re.compile(r"^bench: (\S+) (\S+) (\S+)(?: (.*))?$", re.M)
TRACE = re.compile(r"^TRACE \d+ (\d+) (-?\d+) (\S+) (\S+) (\S+)$", re.M)


class Qemu(runtests.Qemu):
    """The test runner's QEMU, with -icount: the guest's TSC then counts
    guest instructions, so every figure repeats exactly."""

    def __init__(self, build, cmdline, log_path):
        self.start = time.monotonic()
        super().__init__(["-icount", "shift=0,sleep=off",
                          "-kernel", os.path.join(build, "kernel.elf"),
                          "-initrd", os.path.join(build, "initrd.img"),
                          "-append", cmdline], log_path)

    def wait_for(self, pattern, timeout):
        return super().wait_for(pattern, timeout, re.M)


def tail(text, n=20):
    return "\n".join("    | " + l for l in text.rstrip("\n").split("\n")[-n:])


def boot_and_bench(build, cmdline, rows, quick, timeout, log_path):
    """One boot: returns ({row: (value, iters, extra)}, boot_ms, error)."""
    q = Qemu(build, cmdline, log_path)
    try:
        if not q.wait_for(PROMPT, timeout):
            return {}, None, "no shell prompt\n" + tail(q.text())
        boot_ms = (time.monotonic() - q.start) * 1000
        start = len(q.text())
        q.type("bench %s%s\r" % ("quick " if quick else "", " ".join(rows)))
        if not q.wait_for(r"^bench: done$", timeout):
            return {}, boot_ms, "bench did not finish\n" + tail(q.text())
        out = q.text()[start:]
    finally:
        q.close()
    results = {}
    for m in LINE.finditer(out):
        name, value, iters, extra = m.groups()
        if name == "done":
            continue
        results[name] = (value, iters, extra or "")
    if "boot_to_shell" in results:
        results["boot_to_shell"] = boot_to_shell(out, results)
    if "boot_to_shell_ms" in results:
        results["boot_to_shell_ms"] = (str(round(boot_ms)), "1", "wall ms")
    return results, boot_ms, None


def boot_to_shell(out, results):
    """The TSC of the shell's first block in the trace bench dumped."""
    value, iters, extra = results["boot_to_shell"]
    m = re.search(r"sh=(\d+)", extra)
    if value != "trace" or not m:
        return (value, iters, extra)
    sh = int(m.group(1))
    for t in TRACE.finditer(out):
        tsc, pid, frm, to, why = t.groups()
        if int(pid) == sh and frm == "RUNNING" and to == "WAITING":
            return (tsc, "1", "sh pid %d, first block" % sh)
    return ("FAIL", "0", "no block event of the shell in the trace")


def number(v):
    """A row's value as a number, or None (n/a, FAIL, ...)."""
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def one_run(args, run_no):
    """All the rows, in two boots; ({row: (value, iters, extra)}, error)."""
    want = args.rows or ROWS
    rr_rows = [r for r in want if r != "yield_switch_ready1000"]
    prio_rows = [r for r in PRIO_ROWS if "yield_switch_ready1000" in want]
    log = os.path.join(args.build, "bench-logs")
    os.makedirs(log, exist_ok=True)
    results, errors = {}, []
    if rr_rows:
        r, _, err = boot_and_bench(
            args.build, args.cmdline, rr_rows, args.quick, args.timeout,
            os.path.join(log, "run%d-rr.log" % run_no))
        results.update(r)
        if err:
            errors.append("boot (rr): " + err)
    if prio_rows:
        r, _, err = boot_and_bench(
            args.build, (args.cmdline + " sched=prio").strip(), prio_rows,
            args.quick, args.timeout,
            os.path.join(log, "run%d-prio.log" % run_no))
        if "yield_switch" in r:
            results["yield_switch@prio"] = r.pop("yield_switch")
        results.update(r)
        if err:
            errors.append("boot (sched=prio): " + err)
    for name in want:
        if name not in results:
            errors.append("%s: no line from bench" % name)
    for name, (value, _, extra) in results.items():
        if value == "FAIL":
            errors.append("%s: FAIL %s" % (name, extra))
    return results, errors


def verdict(name, res):
    """'met', 'not met (+x%)', or '' when the row has no target."""
    if name not in TARGETS:
        return ""
    v = number(res.get(name, (None,))[0])
    kind, lim = TARGETS[name]
    if kind == "rel":
        other, factor = lim
        if name == "yield_switch_ready1000" and "yield_switch@prio" in res:
            other = "yield_switch@prio"  # the two-task figure, same policy
        base = number(res.get(other, (None,))[0])
        if v is None or base is None:
            return "n/a"
        lim = base * factor
        label = "<= %.2fx %s" % (factor, other)
    else:
        label = "<= {:,}".format(lim)
        if v is None:
            return "n/a"
    if v <= lim:
        return "met (%s)" % label
    return "NOT met (%s): +%.0f%% over" % (label, (v - lim) * 100.0 / lim)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--rows", nargs="*", help="only these rows")
    ap.add_argument("--quick", action="store_true",
                    help="bench quick (tiny counts; a correctness check)")
    ap.add_argument("--cmdline", default="", help="extra kernel options")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds per boot")
    args = ap.parse_args()
    if args.rows:
        args.rows = [r for r in ROWS if r in args.rows]  # keep the order

    runs, failed = [], False
    for i in range(args.runs):
        t0 = time.monotonic()
        res, errors = one_run(args, i + 1)
        print("bench: run %d took %.0f s" % (i + 1, time.monotonic() - t0))
        for e in errors:
            print("bench: ERROR: " + e)
        failed |= bool(errors)
        runs.append(res)
    first = runs[0]

    # Rows that do not repeat within 1% (wall-clock rows are not expected to).
    unstable = []
    for name in first:
        if name in ("boot_to_shell_ms", "boot_to_bench"):
            continue
        vals = [number(r.get(name, (None,))[0]) for r in runs]
        if None in vals or not vals:
            continue
        lo, hi = min(vals), max(vals)
        if hi > 0 and (hi - lo) * 100.0 / hi > 1.0:
            unstable.append("%s (%s)" % (name, ", ".join(map(str, vals))))
    if unstable:
        print("bench: WARNING: rows differ by more than 1%% between runs: %s"
              % "; ".join(unstable))

    order = [r for r in ROWS if r in first]
    order += [r for r in ("yield_switch@prio", "boot_to_bench")
              if r in first]
    print()
    print("%-26s %14s %10s  %s" % ("row", "per op", "iterations", "target"))
    print("%-26s %14s %10s  %s" % ("-" * 26, "-" * 14, "-" * 10, "-" * 30))
    table = {}
    for name in order:
        value, iters, extra = first[name]
        v = number(value)
        if name == "boot_to_shell_ms":
            ms = [number(r[name][0]) for r in runs if name in r]
            v = round(sum(ms) / len(ms)) if ms and None not in ms else v
        table[name] = v
        shown = "{:,}".format(v) if v is not None else value
        print("%-26s %14s %10s  %s" % (name, shown, iters,
                                       verdict(name, first)))
    path = os.path.join(args.build, "bench.json")
    with open(path, "w") as f:
        json.dump(table, f, indent=2)
        f.write("\n")
    print("\nbench: wrote %s" % path)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
