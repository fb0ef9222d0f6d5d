#!/usr/bin/env python3
"""runtests.py - run all of mica's tests and print one line per test.

    tools/runtests.py --build build [--only GLOB] [--jobs N] [--timeout S]

Three kinds of test, all reported the same way ("PASS name" / "FAIL name"):

  unit   host programs in BUILD/unit/ (tests/unit/*.c, built with ASan and
         UBSan); each prints "unit: file: test: PASS|FAIL".
  ktest  in-kernel tests (KTEST in the kernel source): QEMU boots the kernel
         once per test with test=<name> on the command line; the kernel
         prints "ktest: <name>: PASS|FAIL" and leaves QEMU through the
         isa-debug-exit device.
  boot   whole-system checks made from outside: boot the GRUB ISO and read
         the banner, type and see the echo, and check that this runner
         itself reports a panic or a hang as a failure.

Every boot has a hard timeout, so the runner never hangs. A failing boot
prints the tail of its serial log; the whole log is kept in
BUILD/test-logs/<name>.log. The last line is "N passed, N failed", and the
exit status is 1 if anything failed.
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import subprocess
import sys
import threading
import time

QEMU = "qemu-system-i386"
TAIL_LINES = 20
DEFAULT_TIMEOUT = 60


class Qemu:
    """One headless QEMU whose serial line is our stdin/stdout pipe."""

    def __init__(self, args, log_path):
        cmd = [QEMU, "-m", "256M", "-display", "none", "-no-reboot",
               "-monitor", "none", "-serial", "stdio",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + args
        self.log_path = log_path
        self.output = bytearray()
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def text(self):
        with self.lock:
            return self.output.decode("utf-8", "replace").replace("\r", "")

    def wait_for(self, pattern, timeout):
        """Wait until the serial output matches pattern (a regex)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.text()):
                return True
            if self.proc.poll() is not None:
                self.reader.join(1)
                return re.search(pattern, self.text()) is not None
            time.sleep(0.05)
        return False

    def type(self, s):
        self.proc.stdin.write(s.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        """The exit status, or None if QEMU was still running (killed)."""
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
        self.close()
        return status

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)
        with open(self.log_path, "w") as f:
            f.write(self.text())


def tail(text, n=TAIL_LINES):
    lines = text.rstrip("\n").split("\n")
    return "\n".join("    | " + line for line in lines[-n:])


class Result:
    def __init__(self, name, ok, detail=""):
        self.name, self.ok, self.detail = name, ok, detail


class Runner:
    def __init__(self, build, timeout):
        self.build = build
        self.kernel = os.path.join(build, "kernel.elf")
        self.iso = os.path.join(build, "mica.iso")
        self.initrd = os.path.join(build, "initrd.img")
        self.logs = os.path.join(build, "test-logs")
        self.timeout = timeout
        os.makedirs(self.logs, exist_ok=True)

    def log(self, name):
        return os.path.join(self.logs, name + ".log")

    def boot_kernel(self, name, cmdline):
        args = ["-kernel", self.kernel, "-append", cmdline]
        if os.path.exists(self.initrd):
            args += ["-initrd", self.initrd]
        return Qemu(args, self.log(name))

    # ---- unit tests ----------------------------------------------------
    def unit_binaries(self):
        d = os.path.join(self.build, "unit")
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(d, f) for f in os.listdir(d)
                      if f.startswith("test_"))

    def run_unit(self, binary):
        try:
            proc = subprocess.run([binary], capture_output=True, text=True,
                                  timeout=self.timeout)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace") \
                if isinstance(e.stdout, bytes) else (e.stdout or "")
            return [Result("unit/" + os.path.basename(binary), False,
                           "timed out after %ds (hung?)\n%s" % (
                               self.timeout, tail(out)))]
        results = []
        for m in re.finditer(r"^unit: (\S+): (\S+): (PASS|FAIL)(.*)$",
                             proc.stdout, re.M):
            name = "unit/%s/%s" % (m.group(1).removesuffix(".c"),
                                   m.group(2))  # unit/test_printk/widths
            results.append(Result(name, m.group(3) == "PASS",
                                  m.group(4).strip()))
        if proc.returncode != 0 and all(r.ok for r in results):
            # Crashed (ASan, UBSan, a signal) without reporting a failure.
            results.append(Result("unit/" + os.path.basename(binary), False,
                                  "exit status %d\n%s" % (
                                      proc.returncode,
                                      tail(proc.stdout + proc.stderr))))
        elif any(not r.ok for r in results):
            results[-1].detail += "\n" + tail(proc.stderr)
        return results

    # ---- in-kernel tests -----------------------------------------------
    def ktest_names(self):
        q = self.boot_kernel("ktest-list", "test=list")
        status = q.wait_exit(self.timeout)
        names = re.findall(r"^ktest-list: (\S+)$", q.text(), re.M)
        if status != 1 or not names or names[-1] != "end":
            sys.exit("runtests: the kernel did not list its tests "
                     "(status %s):\n%s" % (status, tail(q.text())))
        return names[:-1]

    def run_ktest(self, name, timeout=None):
        q = self.boot_kernel("ktest-" + name, "test=" + name)
        status = q.wait_exit(timeout or self.timeout)
        out = q.text()
        verdict = re.search(r"^ktest: %s: (PASS|FAIL)(.*)$" % re.escape(name),
                            out, re.M)
        if status is None:
            return Result("ktest/" + name, False,
                          "timed out after %ds (hung?)\n%s" % (
                              timeout or self.timeout, tail(out)))
        if verdict and verdict.group(1) == "PASS" and status == 1:
            return Result("ktest/" + name, True)
        why = verdict.group(2).strip() if verdict else \
            "no verdict (exit status %s)" % status
        return Result("ktest/" + name, False, "%s\n%s" % (why, tail(out)))

    # ---- user-mode tests (user/usertests.c, run by init) ---------------
    def utest_names(self):
        if not os.path.exists(self.initrd):
            return []
        q = self.boot_kernel("utest-list", "utest=list")
        status = q.wait_exit(self.timeout)
        names = re.findall(r"^utest-list: (\S+)$", q.text(), re.M)
        if status != 1 or not names or names[-1] != "end":
            return [None]  # reported as a failure by run_utest(None)
        return names[:-1]

    def run_utest(self, name, timeout=None):
        if name is None:
            return Result("utest/list", False, "usertests did not list its "
                          "tests:\n" + tail(open(self.log("utest-list")).read()))
        q = self.boot_kernel("utest-" + name, "utest=" + name)
        status = q.wait_exit(timeout or self.timeout)
        out = q.text()
        verdict = re.search(r"^utest: %s: (PASS|FAIL)(.*)$" % re.escape(name),
                            out, re.M)
        if status is None:
            return Result("utest/" + name, False,
                          "timed out after %ds (hung?)\n%s" % (
                              timeout or self.timeout, tail(out)))
        if verdict and verdict.group(1) == "PASS" and status == 1:
            return Result("utest/" + name, True)
        why = verdict.group(2).strip() if verdict else \
            "no verdict (exit status %s)" % status
        return Result("utest/" + name, False, "%s\n%s" % (why, tail(out)))

    # ---- whole-system checks ---------------------------------------------
    def boot_iso_banner_and_echo(self):
        """Boot through GRUB, check the banner, reach the shell, type."""
        name = "boot/iso_banner_and_shell"
        q = Qemu(["-cdrom", self.iso, "-boot", "d"], self.log("boot-iso"))
        try:
            if not q.wait_for(r"mica \d+\.\d+\.\d+.*\nmemory: \d+ MiB usable"
                              r"[^\n]*\nloader: GRUB", self.timeout):
                return Result(name, False, "no banner from a GRUB boot\n" +
                              tail(q.text()))
            if not q.wait_for(r"initrd: \d+ files", self.timeout):
                return Result(name, False, "GRUB did not load the initrd\n"
                              + tail(q.text()))
            if not q.wait_for(r"mica\$ $", self.timeout):
                return Result(name, False, "no shell prompt\n" +
                              tail(q.text()))
            q.type("echo hello mica\r")
            if not q.wait_for(r"echo hello mica\nhello mica\nmica\$ $", 10):
                return Result(name, False, "typed command not echoed and "
                              "run\n" + tail(q.text()))
            return Result(name, True)
        finally:
            q.close()

    def boot_shell_session(self):
        """The textbook's examples and the tools work from the shell."""
        name = "boot/shell_session"
        q = self.boot_kernel("boot-shell", "")
        steps = [
            ("ls", r"motd\s+111\n(.*\n)*mica\$ $"),
            ("forkexec", r"Child Complete\nmica\$ $"),
            ("ps", r"PID\s+PPID\s+STATE.*\n(.*\n)*\s*1\s+0\s+\S+.*init"
                   r"(.*\n)*mica\$ $"),
            ("pstree", r"init\(1\)\n\s+sh\(\d+\)\n\s+pstree\(\d+\)"),
            ("spin 50 &", r"\[\d+\]\nmica\$ "),
            ("false", r"sh: false: exit status 1\n(.*\n)*mica\$ "),
            ("nosuch", r"sh: nosuch: not found\n(.*\n)*mica\$ "),
            ("cat motd", r"Welcome to mica(.*\n)+mica\$ $"),
        ]
        try:
            if not q.wait_for(r"mica\$ $", self.timeout):
                return Result(name, False, "no shell prompt\n" +
                              tail(q.text()))
            for cmd, expect in steps:
                start = len(q.text())
                q.type(cmd + "\r")
                deadline = time.monotonic() + 15
                ok = False
                while time.monotonic() < deadline:
                    if re.search(expect, q.text()[start:]):
                        ok = True
                        break
                    time.sleep(0.05)
                if not ok:
                    return Result(name, False, "after `%s`, expected /%s/\n%s"
                                  % (cmd, expect, tail(q.text())))
            return Result(name, True)
        finally:
            q.close()

    def boot_cmdline_options(self):
        """The banner shows the command line and honours hz=."""
        name = "boot/cmdline_and_hz"
        q = self.boot_kernel("boot-cmdline", "hz=250 sched=rr foo=\"a b\"")
        try:
            if not q.wait_for(r"timer: 250 Hz", self.timeout):
                return Result(name, False, "hz=250 not honoured\n" +
                              tail(q.text()))
            if not re.search(r'cmdline: .*hz=250 sched=rr foo="a b"', q.text()):
                return Result(name, False, "command line not shown\n" +
                              tail(q.text()))
            return Result(name, True)
        finally:
            q.close()

    def runner_reports_panic(self):
        """A kernel panic during a test is that test's failure, with a tail."""
        r = self.run_ktest("meta_unexpected_panic")
        ok = not r.ok and "PANIC" in r.detail and "backtrace" in r.detail
        return Result("boot/runner_reports_panic", ok,
                      "" if ok else "the runner did not report the panic:\n"
                      + r.detail)

    def runner_reports_hang(self):
        """A test that hangs is stopped at its timeout and reported."""
        r = self.run_ktest("meta_hang", timeout=5)
        ok = not r.ok and "timed out" in r.detail
        return Result("boot/runner_reports_hang", ok,
                      "" if ok else "the runner did not report the hang:\n"
                      + r.detail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="run only tests whose name matches "
                    "this glob (e.g. 'ktest/heap*' or '*list*')")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    args = ap.parse_args()
    r = Runner(args.build, args.timeout)

    def wanted(name):
        if not args.only:
            return True
        return fnmatch.fnmatch(name, args.only) or \
            fnmatch.fnmatch(name, "*" + args.only + "*")

    jobs = []  # (name, callable returning a list of Results)
    for b in r.unit_binaries():
        jobs.append(("unit/" + os.path.basename(b) + "/*",
                     lambda b=b: r.run_unit(b)))
    for n in r.ktest_names():
        if n.startswith("meta_"):
            continue  # run by the runner_reports_* checks below
        jobs.append(("ktest/" + n, lambda n=n: [r.run_ktest(n)]))
    for n in r.utest_names():
        jobs.append(("utest/%s" % n, lambda n=n: [r.run_utest(n)]))
    for fn in (r.boot_iso_banner_and_echo, r.boot_shell_session,
               r.boot_cmdline_options,
               r.runner_reports_panic, r.runner_reports_hang):
        jobs.append((None, lambda fn=fn: [fn()]))

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(fn) for name, fn in jobs
                   if name is None or wanted(name)]
        for fut in concurrent.futures.as_completed(futures):
            for res in fut.result():
                if not wanted(res.name):
                    continue
                if res.ok:
                    passed += 1
                    print("PASS", res.name, flush=True)
                else:
                    failed += 1
                    print("FAIL", res.name, "-", res.detail, flush=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
