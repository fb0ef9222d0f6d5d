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

    def wait_for(self, pattern, timeout, flags=0):
        """Wait until the serial output matches pattern (a regex)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.text(), flags):
                return True
            if self.proc.poll() is not None:
                self.reader.join(1)
                return re.search(pattern, self.text(), flags) is not None
            time.sleep(0.02)
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
            # init's servers (nameserver, pipeserv) come before sh.
            ("pstree", r"init\(1\)\n\s+nameserver\(\d+\)\n(\s+\S+\(\d+\)\n)*"
                       r"\s+sh\(\d+\)\n\s+pstree\(\d+\)"),
            ("spin 50 &", r"\[\d+\]\nmica\$ "),
            ("false", r"sh: false: exit status 1\n(.*\n)*mica\$ "),
            ("nosuch", r"sh: nosuch: not found\n(.*\n)*mica\$ "),
            ("cat motd", r"Welcome to mica(.*\n)+mica\$ $"),
            ("pingpong 100", r"pingpong: 100 round trips(.*\n)*mica\$ "),
            ("ipcdemo", r"NOTIFY_MSG_ACCEPTED(.*\n)*mica\$ "),
            ("kill -m 1", r"kill: 1: not allowed\n(.*\n)*mica\$ "),
            # The textbook's POSIX shared-memory pair (docs/shm.md): the
            # consumer prints what the producer left, with no newline.
            ("shm-producer", r"shm-producer\nmica\$ $"),
            ("shm-consumer", r"shm-consumer\nHelloWorld!mica\$ $"),
            # A server found through the name server (docs/nameserver.md).
            ("echo-server &", r"echo-server: serving \"echo\""),
            ("echo-client 3 hi", r"echo-client: answer 3: hi\n"
                                 r"echo-client: 3 round trips, every answer "
                                 r"matched\n(.*\n)*mica\$ "),
            ("nslist", r"\necho\n(.*\n)*nslist: \d+ names?\n"),
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

    def boot_shell_pipes(self):
        """Pipes from the shell (docs/pipes.md): three-stage pipelines, the
        textbook's ordinary pipe (parent to child) and its named pipe
        between two unrelated programs."""
        name = "boot/shell_pipes"
        q = self.boot_kernel("boot-pipes", "")
        fifo = (r'(?s)(?=.*fifo-reader: read "Greetings 1 from pid \d+"\n)'
                r'(?=.*fifo-reader: read "Greetings 3 from pid \d+"\n)'
                r'(?=.*fifo-reader: end of file after 3 lines\n)'
                r'(?=.*fifo-writer: wrote 3 messages\n)')
        steps = [
            ("echo a b c | cat | cat", r"\na b c\nmica\$ $"),
            ("ls | cat | cat", r"\nmotd\s+111\n(.*\n)*unix-pipe\s+\d+\n"
                               r"(.*\n)*mica\$ $"),
            ("ls|cat|cat|cat|cat", r"\nmotd\s+111\n(.*\n)*mica\$ $"),
            # The parent does not wait: the child's line, which has no
            # newline (as in the book), may come after the prompt.
            ("unix-pipe", r"read Greetings"),
            ("fifo-reader &", r"\[\d+\]\n"),
            ("fifo-writer", fifo),
            ("echo still here | cat", r"\nstill here\n(.*\n)*mica\$ $"),
        ]
        try:
            if not q.wait_for(r"mica\$ $", self.timeout):
                return Result(name, False, "no shell prompt\n" +
                              tail(q.text()))
            for cmd, expect in steps:
                start = len(q.text())
                q.type(cmd + "\r")
                deadline = time.monotonic() + 15
                while not re.search(expect, q.text()[start:]):
                    if time.monotonic() > deadline:
                        return Result(name, False,
                                      "after `%s`, expected /%s/\n%s"
                                      % (cmd, expect, tail(q.text())))
                    time.sleep(0.05)
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

    def boot_bench_quick(self):
        """`bench quick` (user/bench.c) runs every row once and checks each
        operation's result; the figures themselves are not judged here."""
        name = "boot/bench_quick"
        rows = ["boot_to_shell", "null_syscall", "yield_switch",
                "rpc_roundtrip", "send_receive", "ool_4k", "ool_1m",
                "fork_exit_wait", "spawn_exit_wait", "fork_exec_exit_wait",
                "shm_item", "yield_switch_sleep1000",
                "yield_switch_sleep4000", "yield_switch_ready1000",
                "rpc_roundtrip_sleep1000", "task_bytes", "boot_to_shell_ms"]
        # yield_switch_ready1000 needs sched=prio: a second boot runs it.
        boots = [("", "bench quick", rows, ""),
                 ("sched=prio", "bench quick yield_switch_ready1000",
                  ["yield_switch_ready1000"], "-prio")]
        for cmdline, command, want, suffix in boots:
            q = self.boot_kernel("boot-bench-quick" + suffix, cmdline)
            try:
                if not q.wait_for(r"mica\$ $", self.timeout):
                    return Result(name, False, "no shell prompt (%s)\n%s" % (
                        cmdline or "default", tail(q.text())))
                start = len(q.text())
                q.type(command + "\r")
                if not q.wait_for(r"\nbench: done\n", self.timeout):
                    return Result(name, False, "`%s` did not finish\n%s" % (
                        command, tail(q.text())))
                out = q.text()[start:]
            finally:
                q.close()
            fails = re.findall(r"^bench: \S+ FAIL.*$", out, re.M)
            if fails:
                return Result(name, False, "\n".join(fails))
            for row in want:
                m = re.search(r"^bench: %s (\S+) " % re.escape(row), out,
                              re.M)
                if not m:
                    return Result(name, False, "no line for row %s (%s)\n%s"
                                  % (row, cmdline or "default", tail(out)))
                if suffix and not re.match(r"\d+$", m.group(1)):
                    return Result(name, False, "%s under sched=prio: %s" % (
                        row, m.group(0)))
        return Result(name, True)

    def boot_gdb_session(self):
        """GDB drives a stopped QEMU: the tools/gdb/mica.py commands see the
        gdb_workload ktest's tasks, and stepping through switch.S lands in
        the next task."""
        import socket
        import tempfile
        name = "boot/gdb_session"
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        kernel = os.path.abspath(self.kernel)
        hard_timeout = 150  # seconds, for the whole GDB session

        def free_port():
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return s.getsockname()[1]

        def section(text, title):
            m = re.search(r"^=== %s ===\n(.*?)^=== end ===$" % re.escape(title),
                          text, re.M | re.S)
            return m.group(1) if m else ""

        port = free_port()
        args = ["-kernel", kernel, "-append",
                "test=gdb_workload gdbwork=1000000",
                "-gdb", "tcp:127.0.0.1:%d" % port, "-S"]
        if os.path.exists(self.initrd):
            args += ["-initrd", os.path.abspath(self.initrd)]
        q = Qemu(args, self.log("boot-gdb"))
        gdb_proc = None
        script = r'''
import re
import gdb

def show(title, cmd):
    gdb.write("=== %s ===\n%s=== end ===\n" % (title,
              gdb.execute(cmd, to_string=True)))

def cur_pid():
    return int(gdb.parse_and_eval("current->pid"))

def u32(a):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(a, 4)),
                          "little")

# Stop at context switches until the three threads exist and sleeper sleeps.
for i in range(5000):
    gdb.execute("break-switch", to_string=True)
    gdb.execute("continue", to_string=True)
    t = gdb.execute("tasks", to_string=True)
    if re.search(r"\bsleeper +gdb-sleep", t) and "worker-a" in t \
            and "worker-b" in t:
        break
# One switch more, so that sleeper is off the CPU and its context saved.
gdb.execute("break-switch", to_string=True)
gdb.execute("continue", to_string=True)
gdb.write("SWITCHES %d\n" % (i + 2))
show("tasks", "tasks")
show("runq", "runq")
pids = dict((m.group(2), int(m.group(1))) for m in re.finditer(
    r"^[ *] +(\d+) +\d+ +\S+ +\S+ +\S+ +\d+  (\S+)",
    gdb.execute("tasks", to_string=True), re.M))
sleeper = pids.get("sleeper", -1)
show("bt-task", "bt-task %d" % sleeper)
show("task", "task %d" % sleeper)
show("trace", "trace 8")
show("ports", "ports 1")

# The next switches must dispatch the tasks in runq's order.
order = [int(m.group(1)) for m in re.finditer(
    r"^ +\d+\. pid (\d+)", gdb.execute("runq", to_string=True), re.M)]
seen = []
for _ in order:
    gdb.execute("break-switch", to_string=True)
    gdb.execute("continue", to_string=True)
    seen.append(cur_pid())
gdb.write("RUNQ-ORDER %s\n" % " ".join(map(str, order)))
gdb.write("DISPATCHED %s\n" % " ".join(map(str, seen)))

# break-switch PID stops only at a switch into that task.
want = pids.get("worker-b", -1)
gdb.execute("break-switch %d" % want, to_string=True)
gdb.execute("continue", to_string=True)
gdb.write("BREAK-SWITCH-PID want %d got %d\n" % (want, cur_pid()))

# Step through switch.S: break on switch_to, stepi to `ret`, stepi once
# more: we must be in next, at the return address saved on its stack.
gdb.execute("delete", to_string=True)
gdb.execute("break *switch_to", to_string=True)
gdb.execute("continue", to_string=True)
sp = int(gdb.parse_and_eval("$esp")) & 0xffffffff
prev, nxt = u32(sp + 4), u32(sp + 8)
nesp = u32(nxt)
want_pc, want_sp = u32(nesp + 16), nesp + 20
for _ in range(40):
    if re.search(r":\s+ret", gdb.execute("x/i $pc", to_string=True)):
        break
    gdb.execute("stepi", to_string=True)
gdb.execute("stepi", to_string=True)
pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
sp = int(gdb.parse_and_eval("$esp")) & 0xffffffff
curr = int(gdb.parse_and_eval("(unsigned)current"))
gdb.write("STEP pc 0x%x want 0x%x esp 0x%x want 0x%x current 0x%x next 0x%x "
          "prev 0x%x\n" % (pc, want_pc, sp, want_sp, curr, nxt, prev))
show("where", "bt 3")
gdb.write("GDB-SCRIPT-DONE\n")
'''
        try:
            # Wait until QEMU's stub listens (QEMU takes a moment to start).
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or q.proc.poll() is not None:
                        return Result(name, False, "QEMU's GDB stub did not "
                                      "listen on port %d\n%s" % (
                                          port, tail(q.text())))
                    time.sleep(0.1)
            with tempfile.NamedTemporaryFile("w", suffix=".py", dir=self.logs,
                                             delete=False) as f:
                f.write(script)
                script_path = f.name
            env = dict(os.environ, MICA_GDBPORT=str(port))
            gdb_proc = subprocess.Popen(
                ["gdb", "-q", "-nx", "-batch",
                 "-x", os.path.join("tools", "gdb", "gdbinit"),
                 "-x", script_path, kernel],
                cwd=root, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                out, _ = gdb_proc.communicate(timeout=hard_timeout)
            except subprocess.TimeoutExpired:
                gdb_proc.kill()
                out, _ = gdb_proc.communicate()
                return Result(name, False, "GDB session timed out after %ds\n"
                              "%s" % (hard_timeout, tail(out)))
            finally:
                os.unlink(script_path)
            with open(self.log("boot-gdb-session"), "w") as f:
                f.write(out)
            problems = []
            if "GDB-SCRIPT-DONE" not in out:
                problems.append("the GDB script did not finish")
            tasks = section(out, "tasks")
            states = {m.group(3): (int(m.group(1)), m.group(2), m.group(4))
                      for m in re.finditer(
                          r"^[ *] +(\d+) +\d+ +(\S+) +\S+ +\S+ +\d+  (\S+)"
                          r" *(.*)$", tasks, re.M)}
            for w in ("worker-a", "worker-b"):
                if w not in states or states[w][1] not in ("READY",
                                                           "RUNNING"):
                    problems.append("tasks: %s not READY/RUNNING" % w)
            if states.get("sleeper", (0, "", ""))[1:] != ("WAITING",
                                                         "gdb-sleep"):
                problems.append("tasks: sleeper not WAITING on gdb-sleep")
            bt = section(out, "bt-task")
            if "from the context saved by switch_to" not in bt:
                problems.append("bt-task: sleeper's saved context not used")
            if not re.search(r"^#\d+ .* in gdb_sleeper_main \(", bt, re.M):
                problems.append("bt-task: no gdb_sleeper_main frame")
            if not re.search(r" in (sleep_on|sleep_common|schedule) \(", bt):
                problems.append("bt-task: no sleep_on/schedule frame")
            if not re.search(r" in (context_switch|switch_to|pick_and_switch)"
                             r" \(", bt):
                problems.append("bt-task: no context_switch frame")
            runq = section(out, "runq")
            runq_pids = [int(p) for p in re.findall(r"^ +\d+\. pid (\d+)",
                                                    runq, re.M)]
            ready = sorted(p for n, (p, st, _) in states.items()
                           if st == "READY" and p != 0)
            if sorted(runq_pids) != ready:
                problems.append("runq %s is not the READY tasks %s"
                                % (runq_pids, ready))
            m1 = re.search(r"^RUNQ-ORDER (.*)$", out, re.M)
            m2 = re.search(r"^DISPATCHED (.*)$", out, re.M)
            if not m1 or not m2 or not m1.group(1).split() or \
                    m1.group(1) != m2.group(1):
                problems.append("the switches did not follow runq's order "
                                "(%s)" % (m1 and m2 and "%s vs %s" % (
                                    m1.group(1), m2.group(1))))
            m = re.search(r"^BREAK-SWITCH-PID want (\d+) got (\d+)", out,
                          re.M)
            if not m or m.group(1) != m.group(2):
                problems.append("break-switch PID stopped in another task")
            m = re.search(r"^STEP pc (\S+) want (\S+) esp (\S+) want (\S+) "
                          r"current (\S+) next (\S+)", out, re.M)
            if not m or m.group(1) != m.group(2) or \
                    m.group(3) != m.group(4) or m.group(5) != m.group(6):
                problems.append("stepping through switch_to did not land in "
                                "the next task")
            if not re.search(r"^TRACE-BEGIN \d+ \d+$(\nTRACE \d+ \d+ \d+ "
                             r"[A-Z]+ [A-Z]+ [a-z]+$)+\nTRACE-END$",
                             section(out, "trace"), re.M):
                problems.append("trace: not in the docs/trace-format.md format")
            if problems:
                return Result(name, False, "; ".join(problems) + "\n" +
                              tail(out, 40))
            return Result(name, True)
        finally:
            if gdb_proc is not None and gdb_proc.poll() is None:
                gdb_proc.kill()
                gdb_proc.wait()
            q.close()

    def boot_trace_picture(self):
        """make trace's picture: boot run=cpumix (rr) and run=pingpong,
        draw them with tools/tracevis.py, and check the SVG against the
        trace: one lane per pid, one marker per dispatch, one arrow per
        MSG line, and the HTML page holds the SVG."""
        import shutil
        import xml.etree.ElementTree as ET
        name = "boot/trace_picture"
        tools = os.path.dirname(os.path.abspath(__file__))
        ns = "{http://www.w3.org/2000/svg}"
        problems = []
        for label, workload in (("cpumix", "cpumix,100"),
                                ("pingpong", "pingpong,20")):
            q = self.boot_kernel("boot-trace-" + label,
                                 "run=%s sched=rr" % workload)
            status = q.wait_exit(self.timeout)
            out = q.text()
            if status is None or status % 2 != 1 or "TRACE-END" not in out:
                return Result(name, False, "%s: no trace dump (exit status "
                              "%s)\n%s" % (workload, status, tail(out)))
            body = out.split("TRACE-BEGIN", 1)[1].split("TRACE-END", 1)[0]
            lines = [ln.split() for ln in body.split("\n")
                     if ln.startswith("TRACE ")]
            pids = {int(f[3]) for f in lines} | \
                {int(f[5]) for f in lines if f[4] == "MSG" and f[5] != "0"}
            ndisp = sum(1 for f in lines if f[-1] == "dispatch")
            nmsg = sum(1 for f in lines if f[4] == "MSG")
            base = os.path.join(self.logs, "trace-" + label)
            proc = subprocess.run(
                [sys.executable, os.path.join(tools, "tracevis.py"),
                 q.log_path, "-o", base + ".svg", "--html", base + ".html",
                 "--tree", base + "-tree.svg", "--quiet"],
                capture_output=True, text=True, timeout=60)
            if proc.returncode != 0:
                return Result(name, False, "tracevis failed on %s:\n%s" % (
                    workload, tail(proc.stdout + proc.stderr)))
            try:
                svg = ET.parse(base + ".svg").getroot()
                tree = ET.parse(base + "-tree.svg").getroot()
            except ET.ParseError as e:
                return Result(name, False, "%s: SVG does not parse: %s" % (
                    workload, e))

            def having(root, cls):
                return [el for el in root.iter()
                        if cls in el.get("class", "").split()]
            lanes = {int(el.get("data-pid")) for el in having(svg, "lane")}
            if lanes != pids or len(having(svg, "lane")) != len(pids):
                problems.append("%s: lanes %s, pids in the trace %s" % (
                    label, sorted(lanes), sorted(pids)))
            nmark = len(having(svg, "dispatch"))
            if nmark != ndisp:
                problems.append("%s: %d dispatch markers for %d dispatch "
                                "events" % (label, nmark, ndisp))
            arrows = having(svg, "msg")
            if len(arrows) != nmsg:
                problems.append("%s: %d arrows for %d MSG lines" % (
                    label, len(arrows), nmsg))
            if any(a.find(ns + "title") is None for a in arrows) or \
                    any(b.find(ns + "title") is None
                        for b in having(svg, "bar")):
                problems.append("%s: a bar or arrow without a <title>"
                                % label)
            with open(base + ".html") as f:
                page = f.read()
            if '<svg xmlns="http://www.w3.org/2000/svg"' not in page or \
                    'class="mica-trace"' not in page:
                problems.append("%s: the HTML page does not hold the SVG"
                                % label)
            if label == "cpumix":
                kids = [el for el in having(svg, "lane")
                        if el.get("data-name") == "cpumix"]
                if len(kids) != 4:  # the parent and its 3 children
                    problems.append("cpumix: %d lanes named cpumix, not 4"
                                    % len(kids))
                if len(having(tree, "tree-node")) != len(pids) or \
                        len(having(tree, "tree-edge")) != len(pids) - 1:
                    problems.append("cpumix: the tree is not %d nodes and "
                                    "%d edges" % (len(pids), len(pids) - 1))
            else:
                if nmsg < 40:
                    problems.append("pingpong,20: only %d MSG lines" % nmsg)
            # Headless Chromium, only if it is installed: it must render.
            chromium = shutil.which("chromium") or \
                shutil.which("chromium-browser")
            if chromium:
                png = base + ".png"
                subprocess.run([chromium, "--headless", "--disable-gpu",
                                "--no-sandbox", "--screenshot=" + png,
                                "file://" + os.path.abspath(base + ".html")],
                               capture_output=True, timeout=60)
                if not os.path.exists(png) or os.path.getsize(png) == 0:
                    problems.append("%s: chromium did not render the page"
                                    % label)
        return Result(name, not problems, "; ".join(problems))

    def boot_ubsan_kernel(self):
        """The UBSAN=1 kernel (build-ubsan/, built by make test) boots with
        test=all, with a few user tests and with a short sysfuzz run, and
        prints no UBSAN: report; its runtime does report (one signed
        overflow in meta_ubsan_selftest gives exactly one line)."""
        name = "boot/ubsan_kernel"
        ub = os.path.join(os.path.dirname(os.path.abspath(self.build)),
                          "build-ubsan")
        kernel = os.path.join(ub, "kernel.elf")
        initrd = os.path.join(ub, "initrd.img")
        if not os.path.exists(kernel) or not os.path.exists(initrd):
            return Result(name, False, "no %s or initrd.img: run make "
                          "UBSAN=1" % kernel)
        utests = ["bad_pointers_efault", "faults_kill_only_the_task",
                  "fork_exit_wait_1000", "ipc_bad_input",
                  "ipc_cleanup_on_exit", "ipc_stress_4x2",
                  "ns_bootstrap_set_get", "ns_rpc_server_dies"]
        boots = [("selftest", "test=meta_ubsan_selftest",
                  r"ktest: meta_ubsan_selftest: PASS"),
                 ("ktests", "test=all", r"ktest: done: \d+ passed, 0 failed"),
                 ("utests", "utest=" + ",".join(utests),
                  r"(?s)" + "".join(r"(?=.*^utest: %s: PASS$)" % t
                                    for t in utests)),
                 ("fuzz", "run=sysfuzz,11,40000,4",
                  r"^sysfuzz: seed 11: \d+ calls, \d+ faults, done$")]
        for label, cmdline, want in boots:
            q = Qemu(["-kernel", kernel, "-append", cmdline,
                      "-initrd", initrd], self.log("boot-ubsan-" + label))
            status = q.wait_exit(self.timeout)
            out = q.text()
            reports = re.findall(r"UBSAN: .*", out)
            if status is None:
                return Result(name, False, "%s: timed out after %ds\n%s" % (
                    cmdline, self.timeout, tail(out)))
            if status != 1 or not re.search(want, out, re.M):
                return Result(name, False, "%s: no success (exit status "
                              "%s)\n%s" % (cmdline, status, tail(out)))
            if label == "selftest":
                if len(reports) != 1 or "signed add overflow at " \
                        "tests/ktest/test_hardening.c" not in reports[0]:
                    return Result(name, False, "the UBSan runtime did not "
                                  "report the planted overflow once: %s"
                                  % reports)
            elif reports:
                return Result(name, False, "%s: %d UBSan reports:\n%s" % (
                    cmdline, len(reports), "\n".join(
                        "    | " + r for r in sorted(set(reports)))))
        return Result(name, True)

    def host_fuzz(self):
        """Each libFuzzer target in BUILD/fuzz/ (tests/fuzz/, built by make
        test) runs for 5 s or 200,000 inputs, whichever comes first, from
        its seeds in tests/fuzz/corpus/, and finds no crash."""
        name = "boot/host_fuzz"
        d = os.path.join(self.build, "fuzz")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        targets = sorted(f for f in os.listdir(d) if f.startswith("fuzz_")
                         and os.access(os.path.join(d, f), os.X_OK)
                         and not f.endswith(".log")) \
            if os.path.isdir(d) else []
        if not targets:
            return Result(name, False, "no fuzz targets in %s (make test "
                          "builds them with clang)" % d)
        for t in targets:
            work = os.path.join(d, "corpus-" + t)
            seeds = os.path.join(root, "tests", "fuzz", "corpus", t)
            os.makedirs(work, exist_ok=True)
            cmd = [os.path.join(d, t), "-max_total_time=5", "-runs=200000",
                   "-artifact_prefix=" + os.path.join(d, t + "-"), work]
            if os.path.isdir(seeds):
                cmd.append(seeds)
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True,
                                      timeout=self.timeout)
            except subprocess.TimeoutExpired:
                return Result(name, False, "%s: still running after %ds" % (
                    t, self.timeout))
            if proc.returncode != 0:
                return Result(name, False, "%s: exit status %d\n%s" % (
                    t, proc.returncode, tail(proc.stdout + proc.stderr, 40)))
        return Result(name, True)

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
               r.boot_shell_pipes,
               r.boot_cmdline_options, r.boot_bench_quick,
               r.boot_gdb_session, r.boot_ubsan_kernel, r.host_fuzz, r.boot_trace_picture,
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
