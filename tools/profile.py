#!/usr/bin/env python3
"""Where do the instructions of a shell command go? An exact profile.

    tools/profile.py --build build [--top 40] "bench quick rpc_roundtrip"
    make profile CMD="bench quick rpc_roundtrip"

Boots mica under QEMU with -icount (as `make bench` does) to the shell
prompt, then, through QEMU's monitor, switches TCG to one instruction per
translation block and logs every block executed while the command runs.
Each log line is then one guest instruction (a `rep movs` counts once per
iteration, as -icount counts it); the script maps their addresses to
functions with `nm` (kernel and the program named first in the command)
and prints instructions per function, most first.

Nothing is sampled: run the same command twice and the counts repeat.
The profile includes everything that ran meanwhile (the shell, idle, the
timer interrupt), so compare functions, not the total, with `make bench`.
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402

PROMPT = r"mica\$ $"
TRACE = re.compile(rb"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf):
    """Sorted (address, name) of the functions in elf."""
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


class Monitor:
    """QEMU's human monitor over a unix socket."""

    def __init__(self, path):
        for _ in range(100):
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        self.read()

    def read(self):
        self.s.settimeout(0.5)
        data = b""
        try:
            while not data.endswith(b"(qemu) "):
                chunk = self.s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--callers", metavar="FUNC",
                    help="also count FUNC's instructions by the function "
                    "that called it")
    ap.add_argument("command")
    args = ap.parse_args()

    prog = args.command.split()[0]
    tables = [s for s in symbols(os.path.join(args.build, "kernel.elf"))]
    user_elf = os.path.join(args.build, "user", prog)
    if os.path.exists(user_elf):
        tables += [(a, prog + ":" + n) for a, n in symbols(user_elf)]
    tables.sort()
    addrs = [a for a, _ in tables]

    tmp = tempfile.mkdtemp(prefix="mica-profile-")
    sock, log = os.path.join(tmp, "mon.sock"), os.path.join(tmp, "exec.log")
    q = runtests.Qemu(["-icount", "shift=0,sleep=off",
                       "-monitor", "unix:%s,server=on,wait=off" % sock,
                       "-kernel", os.path.join(args.build, "kernel.elf"),
                       "-initrd", os.path.join(args.build, "initrd.img"),
                       "-append", "quiet"], os.path.join(tmp, "serial.log"))
    try:
        if not q.wait_for(PROMPT, args.timeout, re.M):
            sys.exit("profile: no shell prompt")
        mon = Monitor(sock)
        mon.cmd("logfile " + log)
        mon.cmd("singlestep on")
        mon.cmd("log exec,nochain")
        start = len(q.text())
        q.type(args.command + "\r")
        time.sleep(0.2)
        if not q.wait_for(PROMPT, args.timeout, re.M) or \
                len(q.text()) == start:
            sys.exit("profile: the command did not finish")
        mon.cmd("log none")
        print(q.text()[start:].rstrip())
    finally:
        q.close()

    counts = collections.Counter()
    callers = collections.Counter()
    total, prev, caller = 0, None, None
    with open(log, "rb") as f:
        for line in f:
            m = TRACE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            i = bisect.bisect_right(addrs, pc) - 1
            fn = tables[i][1] if i >= 0 else "?"
            counts[fn] += 1
            total += 1
            if args.callers and fn == args.callers:
                if prev != fn:
                    caller = prev
                callers[caller] += 1
            prev = fn
    print("\n%12s %6s  function" % ("instructions", "share"))
    for name, n in counts.most_common(args.top):
        print("%12d %5.1f%%  %s" % (n, 100.0 * n / max(total, 1), name))
    print("%12d %5.1f%%  total" % (total, 100.0))
    if args.callers:
        print("\n%s, by caller:" % args.callers)
        for name, n in callers.most_common(args.top):
            print("%12d  %s" % (n, name))


if __name__ == "__main__":
    main()
