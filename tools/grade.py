#!/usr/bin/env python3
"""grade.py - grade one of mica's course labs (docs/labs/), or write the
students' handout.

    tools/grade.py LAB=n [--build build] [--timeout S] [-v]
    tools/grade.py --handout DIR

`make grade LAB=n` runs the first form after building everything. Each
check prints one line with its score, then the total:

    lab2: lottery: proportions over 60000 draws (unit) ... 30/30
    ...
    lab2: total 100/100

The exit status is 0 only with full marks. A failed check prints why
(indented) under its line; -v prints more of the evidence. The checks
reuse tools/runtests.py (its QEMU helper, the boot checks and the unit-
and user-test runners) and tools/tracevis.py (the trace parser and the
per-task times), so a lab is graded by the same machinery as `make test`.
What each lab's checks are is listed in LABS below and in the handouts.

Lab 4's programs (docs/labs/lab4/*.c) are not in user/: they are built
here with the user programs' flags (passed by make as --user-cflags and
--user-ldflags) into BUILD/grade/, and packed with the usual programs into
BUILD/grade/initrd.img, which the lab's boots use. Its shared-memory part
is user/prodcons-shm.c, an ordinary program of the usual initrd.

`--handout DIR` copies the tree (the files git knows, committed or not,
minus ignored ones) to DIR, replacing each reference solution

    /* LABn-BEGIN: what goes here */        /* LABn-BEGIN: what goes here */
    ...reference code...             or      ...reference code...
    /* LABn-END */                          /* LABn-ELSE
                                            stub code
                                            LABn-END */

by a `/* TODO(labn): what goes here */` line, followed by the stub code if
there is one (it is a comment in the full tree). The stubs compile, so the
handout builds and boots; its grades fail until the students do the work.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)

import runtests  # noqa: E402  (tools/runtests.py)
import tracevis  # noqa: E402  (tools/tracevis.py)


class Grader:
    def __init__(self, build, timeout, cflags, ldflags, verbose):
        self.build = build
        self.timeout = timeout
        self.verbose = verbose
        self.runner = runtests.Runner(build, timeout)
        self.cflags, self.ldflags = cflags, ldflags
        self.unit_cache = {}
        self.boot_cache = {}
        self.lab_initrd = None

    # ---- helpers ---------------------------------------------------------
    def unit(self, program):
        """{test name: Result} of one host unit-test program."""
        if program not in self.unit_cache:
            path = os.path.join(self.build, "unit", program)
            if not os.path.exists(path):
                self.unit_cache[program] = {}
            else:
                self.unit_cache[program] = {
                    r.name.rsplit("/", 1)[-1]: r
                    for r in self.runner.run_unit(path)}
        return self.unit_cache[program]

    def unit_check(self, program, tests):
        res = self.unit(program)
        if not res:
            return False, "%s/unit/%s is missing or reported nothing" % (
                self.build, program)
        bad = []
        for t in tests:
            r = res.get(t) or res.get(program)
            if r is None:
                bad.append("%s: no verdict" % t)
            elif not r.ok:
                bad.append("%s: %s" % (t, r.detail.strip().split("\n")[0]))
        crashed = res.get(program)
        if crashed is not None and not crashed.ok:
            bad.append("the program crashed: " +
                       crashed.detail.strip().split("\n")[0])
        return not bad, "; ".join(bad)

    def utests(self, names):
        bad = []
        for n in names:
            r = self.runner.run_utest(n)
            if not r.ok:
                bad.append("utest %s: %s" % (n, r.detail.strip().split(
                    "\n")[0]))
        return not bad, "; ".join(bad)

    def ktests(self, names):
        bad = []
        for n in names:
            r = self.runner.run_ktest(n)
            if not r.ok:
                bad.append("ktest %s: %s" % (n, r.detail.strip().split(
                    "\n")[0]))
        return not bad, "; ".join(bad)

    def boot(self, label, cmdline, initrd=None, timeout=None):
        """Boot with cmdline (run=... powers off after the trace dump).
        Returns (status, serial text, tracevis.Analysis or None)."""
        key = (cmdline, initrd)
        if key in self.boot_cache:
            return self.boot_cache[key]
        r = runtests.Runner(self.build, self.timeout)
        if initrd:
            r.initrd = initrd
        q = r.boot_kernel("grade-" + label, cmdline)
        status = q.wait_exit(timeout or self.timeout)
        text = q.text()
        an = None
        if "TRACE-END" in text:
            try:
                an = tracevis.Analysis(tracevis.read_trace(text))
            except ValueError:
                an = None
        self.boot_cache[key] = (status, text, an)
        return self.boot_cache[key]

    @staticmethod
    def children_of(an, parent_name):
        """(parent pid, [child pids in creation order]) of the first task
        named parent_name in the trace."""
        parent = next((p for p in an.pids()
                       if parent_name in an.tasks[p].names), None)
        if parent is None:
            return None, []
        kids = [p for p in an.pids() if an.tasks[p].ppid == parent
                and p != parent]
        kids.sort(key=lambda p: (an.tasks[p].created
                                 if an.tasks[p].created is not None else 0,
                                 p))
        return parent, kids

    @staticmethod
    def overlap_window(an, pids):
        """[start, end) while every pid had been dispatched and none had
        exited yet, or None."""
        starts, ends = [], []
        for p in pids:
            t = an.tasks[p]
            if not t.dispatches:
                return None
            starts.append(t.dispatches[0].t)
            ends.append(t.exited if t.exited is not None else an.end)
        lo, hi = max(starts), min(ends)
        return (lo, hi) if hi > lo else None

    def shares(self, an, pids):
        w = self.overlap_window(an, pids)
        if w is None:
            return None, None
        run = [an.tasks[p].time_in("RUNNING", w[0], w[1]) for p in pids]
        total = sum(run)
        if total <= 0:
            return None, w
        return [r / total for r in run], w

    # ---- building lab programs (lab 4) ------------------------------------
    def user_flags(self):
        if self.cflags and self.ldflags:
            return shlex.split(self.cflags), shlex.split(self.ldflags)
        # Not run by make: ask make for the values (its database).
        out = subprocess.run(["make", "-pn", "-C", ROOT, "BUILD=" +
                              self.build, "help"], capture_output=True,
                             text=True).stdout
        vals = {}
        for var in ("USER_CFLAGS", "USER_LDFLAGS"):
            m = re.search(r"^%s :?= (.*)$" % var, out, re.M)
            vals[var] = shlex.split(m.group(1)) if m else []
        return vals["USER_CFLAGS"], vals["USER_LDFLAGS"]

    def build_lab_initrd(self, lab, programs):
        """Compile docs/labs/labN/<prog>.c and pack an initrd with them
        and the usual programs. Returns (initrd path or None, error)."""
        if self.lab_initrd:
            return self.lab_initrd, ""
        cflags, ldflags = self.user_flags()
        if not cflags or not ldflags:
            return None, "cannot find the user programs' compiler flags"
        out = os.path.join(self.build, "grade")
        os.makedirs(os.path.join(out, "initrd"), exist_ok=True)
        crt0 = os.path.join(self.build, "user", "lib", "crt0.o")
        libc = os.path.join(self.build, "user", "libc.a")
        std = os.path.join(self.build, "initrd")
        if not (os.path.exists(crt0) and os.path.exists(libc) and
                os.path.isdir(std)):
            return None, "build the tree first (make)"
        files = [os.path.join(std, f) for f in sorted(os.listdir(std))]
        for prog in programs:
            src = os.path.join(ROOT, "docs", "labs", "lab%d" % lab,
                               prog + ".c")
            obj = os.path.join(out, prog + ".o")
            exe = os.path.join(out, prog)
            stripped = os.path.join(out, "initrd", prog)
            for cmd in (["gcc"] + cflags + ["-c", src, "-o", obj],
                        ["gcc"] + ldflags + ["-o", exe, crt0, obj, libc,
                                             "-lgcc"],
                        ["strip", "--strip-debug", "-o", stripped, exe]):
                p = subprocess.run(cmd, capture_output=True, text=True,
                                   cwd=ROOT)
                if p.returncode != 0:
                    return None, "building %s failed:\n%s" % (
                        prog, runtests.tail(p.stdout + p.stderr))
            files = [f for f in files if os.path.basename(f) != prog]
            files.append(stripped)
        files.append(os.path.join(ROOT, "user", "motd"))
        img = os.path.join(out, "initrd.img")
        p = subprocess.run([sys.executable, os.path.join(TOOLS,
                                                         "mkinitrd.py"),
                            "-o", img] + files, capture_output=True,
                           text=True)
        if p.returncode != 0:
            return None, "mkinitrd: " + p.stderr.strip()
        self.lab_initrd = img
        return img, ""

    # ---- lab 1: boot and watch a process switch ---------------------------
    def lab1_rr_trace(self):
        status, text, an = self.boot("lab1-cpumix", "run=cpumix,400 sched=rr")
        if an is None:
            return False, "no trace from run=cpumix (status %s)\n%s" % (
                status, runtests.tail(text))
        _, kids = self.children_of(an, "cpumix")
        if len(kids) != 3:
            return False, "expected 3 cpumix children, found %s" % kids
        # From the first child's first turn to the first exit, all three
        # are ready or running: rr must rotate them A B C A B C ...
        first_exit = min(an.tasks[p].exited if an.tasks[p].exited is not None
                         else an.end for p in kids)
        order = [e.pid for e in an.dispatches if e.pid in kids and
                 e.t < first_exit]
        if len(order) < 6:
            return False, "too few dispatches of the children: %s" % order
        cycle = order[:3]
        if sorted(cycle) != sorted(kids) or any(
                order[i] != cycle[i % 3] for i in range(len(order))):
            return False, "rr did not take turns A B C A B C: %s" % order
        q = 5  # the default quantum in ticks (quantum=50 ms at 100 Hz)
        for p in kids:
            for s in an.tasks[p].segments:
                if s.state == "RUNNING" and s.why_out == "preempt" and \
                        not (q - 1.01 <= s.end - s.start <= q + 1.01):
                    return False, "pid %d ran %.2f ticks, quantum is %d" % (
                        p, s.end - s.start, q)
        return True, "dispatch order %s..." % " ".join(map(str, order[:6]))

    def lab1_states(self):
        status, text, an = self.boot("lab1-cpumix", "run=cpumix,400 sched=rr")
        if an is None:
            return False, "no trace"
        allowed = {("NEW", "READY"), ("READY", "RUNNING"),
                   ("RUNNING", "READY"), ("RUNNING", "WAITING"),
                   ("RUNNING", "TERMINATED"), ("WAITING", "READY"),
                   ("NEW", "NEW"), ("TERMINATED", "TERMINATED")}
        state = {}
        running = set()
        for e in an.trace.events:
            if e.kind != "state":
                continue
            if (e.frm, e.to) not in allowed:
                return False, "illegal change %s" % e.describe()
            if e.pid in state and state[e.pid] != e.frm:
                return False, "pid %d: %s while the trace had it %s" % (
                    e.pid, e.describe(), state[e.pid])
            state[e.pid] = e.to
            running.discard(e.pid)
            if e.to == "RUNNING":
                running.add(e.pid)
            if len(running) > 1:
                return False, "two tasks RUNNING at tick %d: %s" % (
                    e.tick, sorted(running))
        return True, "%d state changes, all legal" % len(an.trace.events)

    def lab1_picture(self):
        r = self.runner.boot_trace_picture()
        return r.ok, r.detail

    def lab1_gdb(self):
        r = self.runner.boot_gdb_session()
        return r.ok, r.detail

    def lab1_ktests(self):
        return self.ktests(["trace_records_life_cycle",
                            "context_switch_counts"])

    # ---- lab 2: a scheduling policy -----------------------------------------
    def lab2_unit_basic(self):
        return self.unit_check("test_sched_lottery", [
            "lottery_tickets_follow_priority",
            "lottery_empty_queue_gives_null",
            "lottery_deterministic_for_a_seed",
            "lottery_dequeue_and_quantum"])

    def lab2_unit_proportions(self):
        return self.unit_check("test_sched_lottery", [
            "lottery_proportions", "lottery_low_priority_not_starved"])

    def lab2_selectable(self):
        status, text, an = self.boot("lab2-banner",
                                     "run=true sched=lottery")
        if not re.search(r"scheduler: lottery,", text):
            return False, "the banner does not say `scheduler: lottery`\n" + \
                runtests.tail(text)
        if an is None or status != 1:
            return False, "run=true under lottery did not finish (status " \
                "%s)" % status
        return True, ""

    def lab2_kernel_shares(self):
        cmd = "run=cpumix,400,8,16,24 sched=lottery hz=1000 quantum=1"
        status, text, an = self.boot("lab2-lottery", cmd)
        if an is None:
            return False, "no trace (status %s)\n%s" % (status,
                                                        runtests.tail(text))
        _, kids = self.children_of(an, "cpumix")
        if len(kids) != 3:
            return False, "expected 3 cpumix children, found %s" % kids
        shares, w = self.shares(an, kids)
        if shares is None:
            return False, "the three children never ran at the same time"
        want = [24 / 48.0, 16 / 48.0, 8 / 48.0]
        desc = "CPU shares %s over ticks %.0f..%.0f, want %s" % (
            " ".join("%.2f" % s for s in shares), w[0], w[1],
            " ".join("%.2f" % s for s in want))
        ok = all(abs(s - x) <= 0.08 for s, x in zip(shares, want)) and \
            shares[0] > shares[1] > shares[2]
        return ok, desc

    def lab2_no_starvation(self):
        cmd = "run=cpumix,300,0,31 sched=lottery hz=1000 quantum=1"
        status, text, an = self.boot("lab2-starve", cmd)
        if an is None:
            return False, "no trace (status %s)" % status
        _, kids = self.children_of(an, "cpumix")
        if len(kids) != 2:
            return False, "expected 2 cpumix children, found %s" % kids
        shares, w = self.shares(an, kids)
        if shares is None:
            return False, "the two children never ran at the same time"
        # 1 ticket against 32: about 3% of the draws, and not zero.
        ok = 0.005 <= shares[1] <= 0.10
        return ok, "the priority-31 child got %.3f of the CPU (want about " \
            "1/33 = 0.030)" % shares[1]

    # ---- lab 3: the process tree ---------------------------------------------
    def lab3_utests_fork(self):
        return self.utests(["fork_returns_twice", "exec_runs_program",
                            "spawn_runs_program", "textbook_fork_exec"])

    def lab3_utests_wait(self):
        return self.utests(["wait_without_children", "zombie_keeps_status"])

    def lab3_utests_orphan(self):
        return self.utests(["orphan_adopted_by_init"])

    def lab3_utests_kill_tree(self):
        return self.utests(["kill_tree_three_levels",
                            "kill_tree_counts_once"])

    def lab3_zombie_trace(self):
        status, text, an = self.boot("lab3-zombie", "run=zombie")
        if an is None:
            return False, "no trace from run=zombie (status %s)" % status
        parent, kids = self.children_of(an, "zombie")
        if len(kids) != 1:
            return False, "expected one child of zombie, found %s" % kids
        c = an.tasks[kids[0]]
        z = c.time_in("TERMINATED")
        if c.exited is None or c.reaped is None:
            return False, "the child was not both exited and reaped"
        if z < 50:  # 2 s at 100 Hz is 200 ticks
            return False, "the child was a zombie for only %.1f ticks" % z
        return True, "pid %d was a zombie for %.0f ticks, then reaped" % (
            c.pid, z)

    def lab3_orphan_trace(self):
        status, text, an = self.boot("lab3-orphan", "run=orphan")
        if an is None:
            return False, "no trace from run=orphan (status %s)" % status
        nodes, children, roots, adopted = tracevis.tree_structure(an)
        parent, kids = self.children_of(an, "orphan")
        if not kids:
            return False, "orphan created no child"
        if kids[0] not in adopted:
            return False, "the child did not outlive its parent"
        svg = tracevis.render_tree(an)
        if 'class="adopt" data-child="%d"' % kids[0] not in svg:
            return False, "the tree picture does not show the adoption"
        return True, "pid %d outlived pid %d and was adopted by init" % (
            kids[0], parent)

    # ---- lab 4: IPC -----------------------------------------------------------
    def lab4_utests(self):
        return self.utests(["ipc_send_receive_basic", "ipc_rendezvous",
                            "ipc_full_queue_choices", "ipc_direct_by_pid",
                            "shm_visible_across_fork"])

    def lab4_pingpong_trace(self):
        status, text, an = self.boot("lab4-pingpong", "run=pingpong,20")
        if an is None:
            return False, "no trace from run=pingpong,20"
        parent, kids = self.children_of(an, "pingpong")
        if len(kids) != 1:
            return False, "expected one pingpong child"
        srv, cli = parent, kids[0]
        pairs = [(m.sender, m.pid) for m in an.msgs
                 if {m.sender, m.pid} == {srv, cli}]
        want = [(cli, srv), (srv, cli)] * 20 + [(cli, srv)]
        if pairs != want:
            return False, "messages %s, want 20 x (ping, pong) + quit" % (
                pairs[:6],)
        return True, "41 messages, ping and pong alternating"

    def lab4_calc(self):
        img, err = self.build_lab_initrd(4, ["calc", "prodcons"])
        if img is None:
            return False, err
        status, text, an = self.boot("lab4-calc", "run=calc,3,10", img,
                                     timeout=30)
        if not re.search(r"^calc: 30 requests from 3 clients, all answers "
                         r"right$", text, re.M):
            return False, "no `calc: 30 requests ...` line (status %s)\n%s" \
                % (status, runtests.tail(text))
        if an is None:
            return False, "no trace"
        srv, kids = self.children_of(an, "calc")
        if len(kids) != 3:
            return False, "expected 3 clients, found %s" % kids
        for c in kids:
            seq = [("req" if m.pid == srv else "rep") for m in an.msgs
                   if (m.sender, m.pid) in ((c, srv), (srv, c))]
            # 10 x (request, reply), then DONE
            if seq != ["req", "rep"] * 10 + ["req"]:
                return False, "client %d: messages %s, want 10 x (request, " \
                    "reply) and DONE" % (c, " ".join(seq[:8]))
        return True, "63 messages, every reply to the client that asked"

    def lab4_prodcons(self):
        img, err = self.build_lab_initrd(4, ["calc", "prodcons"])
        if img is None:
            return False, err
        status, text, an = self.boot("lab4-prodcons", "run=prodcons,40,4",
                                     img, timeout=30)
        m = re.search(r"^prodcons: consumed 40 items in order, sum (\d+)$",
                      text, re.M)
        if not m or m.group(1) != str(sum(range(40))):
            return False, "no `prodcons: consumed 40 items in order, sum " \
                "780` line (status %s)\n%s" % (status, runtests.tail(text))
        if an is None:
            return False, "no trace"
        cons, kids = self.children_of(an, "prodcons")
        if len(kids) != 1:
            return False, "expected one producer"
        prod = kids[0]
        n = sum(1 for x in an.msgs if x.sender == prod and x.pid == cons)
        if n != 41:
            return False, "%d messages from producer to consumer, want 41" % n
        blocks = an.tasks[prod].counts.get("block", 0)
        if blocks < 1:
            return False, "the producer never waited: the buffer never " \
                "filled (queue limit not set?)"
        return True, "41 messages; the producer waited %d times on a full " \
            "buffer" % blocks

    def lab4_prodcons_shm(self):
        """user/prodcons-shm.c's blocking mode (block_while and
        wake_if_waiting): every item in order, and in the trace both sides
        sleep (WAITING) and wake each other with messages, instead of
        yielding or spinning."""
        items = 900
        status, text, an = self.boot("lab4-prodcons-shm",
                                     "run=prodcons-shm,%d" % items,
                                     timeout=30)
        checksum = sum(i * 2654435761 for i in range(items)) % 2 ** 32
        m = re.search(r"^prodcons-shm: %d items in order, checksum 0x%08x "
                      r"\(block: producer waited (\d+) times, consumer "
                      r"(\d+)\)$" % (items, checksum), text, re.M)
        if not m:
            return False, "no `prodcons-shm: %d items in order, checksum " \
                "0x%08x (block: ...)` line (status %s; a hang is a lost " \
                "wakeup)\n%s" % (items, checksum, status,
                                 runtests.tail(text))
        if an is None:
            return False, "no trace"
        cons, kids = self.children_of(an, "prodcons-shm")
        if len(kids) != 1:
            return False, "expected one producer, found %s" % kids
        prod = kids[0]
        sides = {"producer": prod, "consumer": cons}
        for side, pid in sides.items():
            c = an.tasks[pid].counts
            if c.get("yield", 0):
                return False, "the %s yielded %d times: it must sleep " \
                    "(block_while still the stub?)" % (side, c["yield"])
            if not c.get("block", 0):
                return False, "the %s never slept (WAITING): busy-" \
                    "waiting?" % side
        for side, pid in sides.items():
            other = prod if pid == cons else cons
            woke = sum(1 for x in an.msgs if x.sender == other and
                       x.pid == pid)
            blocks = an.tasks[pid].counts["block"]
            if woke < 1:
                return False, "nobody woke the %s with a message " \
                    "(wake_if_waiting?)" % side
            if woke > blocks + 2:
                return False, "the %s got %d wakeups for %d sleeps: wake " \
                    "it only when its flag says it sleeps" % (side, woke,
                                                              blocks)
        return True, "%d items in order; the producer slept %d times, the " \
            "consumer %d, each woken by a message" % (
                items, an.tasks[prod].counts["block"],
                an.tasks[cons].counts["block"])


LABS = {
    1: ("boot and watch a process switch", [
        ("rr takes turns on cpumix (trace)", 20, "lab1_rr_trace"),
        ("every state change legal, one task running", 15, "lab1_states"),
        ("trace picture: lanes, switches, arrows", 20, "lab1_picture"),
        ("gdb: break-switch, tasks, runq, switch.S", 30, "lab1_gdb"),
        ("kernel tests of the trace and switch counts", 15, "lab1_ktests"),
    ]),
    2: ("a scheduling policy: lottery", [
        ("lottery: tickets, empty queue, determinism (unit)", 20,
         "lab2_unit_basic"),
        ("lottery proportions over 60000 draws (unit)", 30,
         "lab2_unit_proportions"),
        ("lottery: chosen with sched=lottery", 10, "lab2_selectable"),
        ("lottery: CPU shares 1/2 1/3 1/6 in the kernel", 30,
         "lab2_kernel_shares"),
        ("lottery: priority 31 is not starved", 10, "lab2_no_starvation"),
    ]),
    3: ("the process tree", [
        ("fork, exec, spawn (usertests)", 20, "lab3_utests_fork"),
        ("wait and zombies (usertests)", 15, "lab3_utests_wait"),
        ("orphans go to init (usertest)", 10, "lab3_utests_orphan"),
        ("cascading termination, kill -t (usertests)", 15,
         "lab3_utests_kill_tree"),
        ("a zombie in the trace until it is reaped", 20,
         "lab3_zombie_trace"),
        ("an orphan adopted by init in the tree picture", 20,
         "lab3_orphan_trace"),
    ]),
    4: ("IPC: ports and messages, shared memory", [
        ("ports, messages, shared memory (usertests)", 10, "lab4_utests"),
        ("pingpong's messages in the trace", 15, "lab4_pingpong_trace"),
        ("calc: client-server with msg_rpc", 25, "lab4_calc"),
        ("prodcons: a bounded buffer of messages", 25, "lab4_prodcons"),
        ("prodcons-shm: a bounded buffer in shared memory that blocks", 25,
         "lab4_prodcons_shm"),
    ]),
}


def grade(lab, args):
    title, checks = LABS[lab]
    g = Grader(args.build, args.timeout, args.user_cflags, args.user_ldflags,
               args.verbose)
    print("lab%d: %s" % (lab, title), flush=True)
    total = got = 0
    for name, points, method in checks:
        try:
            ok, detail = getattr(g, method)()
        except Exception as e:  # a broken check must not hide the others
            ok, detail = False, "%s: %s" % (type(e).__name__, e)
        total += points
        got += points if ok else 0
        print("lab%d: %s ... %d/%d" % (lab, name, points if ok else 0,
                                      points), flush=True)
        if detail and (not ok or args.verbose):
            for line in detail.rstrip().split("\n")[:25]:
                print("    " + line)
    print("lab%d: total %d/%d" % (lab, got, total))
    return 0 if got == total else 1


# ---- the handout ----------------------------------------------------------------
BEGIN = re.compile(r"^(\s*)/\* LAB(\d+)-BEGIN(?::\s*(.*?))?\s*\*/\s*$")
ELSE = re.compile(r"^\s*/\* LAB(\d+)-ELSE\s*$")
END_PLAIN = re.compile(r"^\s*/\* LAB(\d+)-END \*/\s*$")
END_ELSE = re.compile(r"^\s*LAB(\d+)-END \*/\s*$")


def strip_solutions(text, path):
    """text with every LABn-BEGIN..END region replaced by its TODO line
    and stub. Raises ValueError on unbalanced markers."""
    out, region, lab, in_else = [], False, None, False
    for no, line in enumerate(text.split("\n"), 1):
        if not region:
            m = BEGIN.match(line)
            if m:
                region, lab, in_else = True, m.group(2), False
                what = m.group(3) or "your code here"
                out.append("%s/* TODO(lab%s): %s */" % (m.group(1), lab,
                                                       what))
                continue
            if re.search(r"LAB\d+-(END|ELSE)", line):
                raise ValueError("%s:%d: LAB end marker without BEGIN" % (
                    path, no))
            out.append(line)
            continue
        if in_else:
            m = END_ELSE.match(line)
            if m:
                region = False
            else:
                out.append(line)
            continue
        if ELSE.match(line):
            in_else = True
        elif END_PLAIN.match(line):
            region = False
        elif BEGIN.match(line):
            raise ValueError("%s:%d: LAB%s-BEGIN inside a region" % (
                path, no, lab))
    if region:
        raise ValueError("%s: LAB%s-BEGIN without END" % (path, lab))
    return "\n".join(out)


def tree_files():
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], cwd=ROOT, capture_output=True,
            check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(ROOT):
            rel = os.path.relpath(d, ROOT)
            dirs[:] = [x for x in dirs if not x.startswith(".git") and
                       not (rel == "." and x.startswith("build"))]
            files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return sorted(f for f in set(files)
                  if not f.split("/")[0].startswith("build") and
                  os.path.isfile(os.path.join(ROOT, f)))


def handout(dest):
    dest = os.path.abspath(dest)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    stripped = []
    for rel in tree_files():
        src, dst = os.path.join(ROOT, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        if not rel.endswith((".c", ".h", ".S")):
            continue
        with open(src, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        if not re.search(r"/\* LAB\d+-BEGIN", text):
            continue
        new = strip_solutions(text, rel)
        with open(dst, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(new)
        stripped.append("%s (%d TODOs)" % (rel, new.count("TODO(lab")))
    print("handout: %s: %d files; solutions removed from:" % (
        os.path.relpath(dest, ROOT), len(tree_files())))
    for s in stripped:
        print("    " + s)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lab", nargs="?", help="LAB=n (or just n)")
    ap.add_argument("--build", default="build")
    ap.add_argument("--timeout", type=int, default=runtests.DEFAULT_TIMEOUT)
    ap.add_argument("--user-cflags", default="")
    ap.add_argument("--user-ldflags", default="")
    ap.add_argument("--handout", metavar="DIR",
                    help="write the students' tree to DIR instead")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.handout:
        return handout(args.handout)
    lab = (args.lab or "").replace("LAB=", "")
    if not lab.isdigit() or int(lab) not in LABS:
        ap.error("say which lab: LAB=1 .. LAB=%d (make grade LAB=n)"
                 % max(LABS))
    os.chdir(ROOT)
    return grade(int(lab), args)


if __name__ == "__main__":
    sys.exit(main())
