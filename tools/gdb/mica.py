"""mica.py - GDB commands that look inside a running (stopped) mica kernel.

Load it with `source tools/gdb/mica.py` (tools/gdb/gdbinit does). Every
command only *reads* kernel memory through GDB: nothing is called in the
kernel, so they are safe at any stop, even in the middle of a switch.

    tasks             every task, like ps (the current one marked *)
    runq              the ready queue(s) of the policy, in the order they run
    task PID          one PCB (struct task_struct), grouped like the textbook
    bt-task PID       the kernel backtrace of a task that is not running
    ports PID         the task's port name space
    trace [N]         the last N scheduler events (docs/trace-format.md)
    break-switch [PID]  stop at the next context switch (into PID)

and pretty-printers: `p *t` and `p t` for a struct task_struct show
"pid 3 worker-a READY". See docs/debugging.md for examples.

The code knows mica's data structures by name: task_list / tasks (the job
queue), idle_task, current, policy, the policies' static queues (rr_queue,
prio_queue + prio_bitmap, mlfq_queue), pid_table, trace_buf, and the frame
that arch/x86/switch.S leaves on a sleeping task's stack. If you rename one
of those, update the matching line here.
"""
import os
import re

import gdb

KSTACK_SIZE = 2 * 4096  # kernel/mm/kstack.h: KSTACK_PAGES * 4096
MAX_LIST = 100000       # a longer list is taken to be corrupt (a cycle)

# include/mica/ipc.h
RIGHT_RECEIVE = 0x01
RIGHT_SEND = 0x02
RIGHT_SEND_ONCE = 0x04
RIGHT_DEAD_NAME = 0x08
RIGHT_PORT_SET = 0x10

# arch/x86/trap.h (vectors 32..47 are the PIC's IRQs 0..15)
TRAP_NAMES = {0: "divide error", 1: "debug", 3: "breakpoint",
              6: "invalid opcode", 8: "double fault",
              13: "general protection fault", 14: "page fault",
              32: "timer (IRQ 0)", 33: "keyboard (IRQ 1)",
              36: "serial (IRQ 4)", 128: "system call"}


class MicaError(Exception):
    """A problem to report in one line (no Python traceback)."""


# ---- small helpers ---------------------------------------------------------

def _type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise MicaError("no type '%s' in the symbol file: is a mica "
                        "kernel.elf loaded?" % name)


def task_type():
    return _type("struct task_struct")


def task_ptr_type():
    return task_type().pointer()


def offset_of(struct_type, field):
    for f in struct_type.fields():
        if f.name == field:
            return f.bitpos // 8
    raise MicaError("%s has no field %s" % (struct_type, field))


def read_u32(addr):
    mem = gdb.selected_inferior().read_memory(addr, 4)
    return int.from_bytes(bytes(mem), "little")


def global_var(name):
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise MicaError("cannot read %s: %s" % (name, e))


def static_var(name, filename):
    """A file-scope static variable, e.g. static_var('rr_queue', 'sched_rr.c')."""
    try:
        sym = gdb.lookup_static_symbol(name)
        if sym is not None:
            return sym.value()
    except (AttributeError, gdb.error):
        pass
    try:
        return gdb.parse_and_eval("'%s'::%s" % (filename, name))
    except gdb.error:
        pass
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise MicaError("cannot find static %s (in %s): %s"
                        % (name, filename, e))


def has_symbol(name):
    try:
        if gdb.lookup_global_symbol(name) is not None:
            return True
        if gdb.lookup_static_symbol(name) is not None:
            return True
    except (AttributeError, gdb.error):
        pass
    return False


def cstring(value, maxlen=64):
    """A char * or char[] as a Python str ('' for NULL, '?' if unreadable)."""
    try:
        if value.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
            addr = int(value.address)
            maxlen = value.type.strip_typedefs().sizeof
        else:
            addr = int(value)
            if addr == 0:
                return ""
        raw = bytes(gdb.selected_inferior().read_memory(addr, maxlen))
    except (gdb.error, gdb.MemoryError):
        return "?"
    return raw.split(b"\0", 1)[0].decode("latin-1")


def enum_name(value, prefix=""):
    """'READY' for TASK_READY, or the number if it is not in the enum."""
    n = int(value)
    try:
        for f in value.type.strip_typedefs().fields():
            if f.enumval == n:
                name = f.name
                if prefix and name.startswith(prefix):
                    name = name[len(prefix):]
                return name
    except (TypeError, AttributeError):
        pass
    return str(n)


def list_addrs(head_addr, limit=MAX_LIST):
    """Addresses of the nodes of a struct list_head list (not the head)."""
    lh = _type("struct list_head").pointer()
    node = gdb.Value(head_addr).cast(lh)
    seen = set()
    out = []
    addr = int(node["next"])
    while addr != head_addr:
        if addr == 0 or addr in seen or len(out) >= limit:
            raise MicaError("list at 0x%x is corrupt (node 0x%x)"
                            % (head_addr, addr))
        seen.add(addr)
        out.append(addr)
        addr = int(gdb.Value(addr).cast(lh)["next"])
    return out


def list_tasks(head, member):
    """The tasks on a list whose head is `head` (a gdb.Value of struct
    list_head), linked through task_struct.<member>."""
    off = offset_of(task_type(), member)
    head_addr = int(head.address)
    return [gdb.Value(a - off).cast(task_ptr_type())
            for a in list_addrs(head_addr)]


def list_is_empty(head):
    return int(head["next"]) == int(head.address)


# ---- tasks -------------------------------------------------------------------

def task_name(t):
    return cstring(t["name"])


def task_state(t):
    return enum_name(t["state"], "TASK_")


def task_pid(t):
    return int(t["pid"])


def current_task():
    return global_var("current")


def idle():
    return global_var("idle_task")


def all_tasks():
    """idle, then the job queue (task_list) in creation order."""
    out = []
    it = idle()
    if int(it):
        out.append(it)
    out += list_tasks(global_var("task_list"), "tasks")
    return out


def find_task(pid):
    if pid == 0:
        return idle()
    try:
        table = static_var("pid_table", "pid.c")
        n = table.type.strip_typedefs().range()[1] + 1
        if 0 < pid < n:
            t = table[pid]
            if int(t) and task_pid(t) == pid:
                return t
    except (MicaError, gdb.error):
        pass
    for t in all_tasks():
        if task_pid(t) == pid:
            return t
    raise MicaError("no task with pid %d (see `tasks`)" % pid)


def parse_pid(arg, cmd):
    arg = arg.strip()
    if not arg:
        raise MicaError("usage: %s PID" % cmd)
    try:
        return int(gdb.parse_and_eval(arg))
    except gdb.error:
        raise MicaError("usage: %s PID (not '%s')" % (cmd, arg))


def short(t):
    """'pid 3 worker-a READY' (the pretty-printer's text too)."""
    if not int(t):
        return "NULL"
    try:
        return "pid %d %s %s" % (task_pid(t), task_name(t), task_state(t))
    except (gdb.error, gdb.MemoryError):
        return "<unreadable task at 0x%x>" % int(t)


def live_esp():
    try:
        return int(gdb.parse_and_eval("$esp")) & 0xffffffff
    except gdb.error:
        return None


def on_cpu_task():
    """The task whose code the CPU is executing: the one whose kernel
    stack holds the live esp. Usually current, but not between
    `current = next` (pick_and_switch) and the stack swap in switch_to,
    when the CPU is still on prev's stack. In user mode (esp below the
    kernel), current."""
    esp = live_esp()
    if esp is not None:
        for t in all_tasks():
            lo = int(t["kstack"])
            if lo and lo <= esp < lo + KSTACK_SIZE:
                return t
    return current_task()


def is_running(t):
    """Is t on the CPU now (so its saved context is stale)?"""
    return int(t) == int(on_cpu_task())


def policy_name():
    p = global_var("policy")
    if not int(p):
        return "-"
    return cstring(p["name"])


# ---- symbols -------------------------------------------------------------------

def func_blocks(pc):
    """The functions at pc, innermost first: [(name, start, inlined)].
    More than one when the compiler inlined functions (the -O2 build)."""
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        block = None
    out = []
    while block is not None:
        if block.function is not None:
            out.append((block.function.print_name, block.start))
        block = block.superblock
    return [(name, start, i < len(out) - 1)
            for i, (name, start) in enumerate(out)]


def minimal_symbol(pc):
    """'switch_to+12' from the ELF symbol table (for assembly code)."""
    try:
        s = gdb.execute("info symbol 0x%x" % pc, to_string=True)
    except gdb.error:
        return None
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", s)
    if not m:
        return None
    return m.group(1), int(m.group(2) or 0)


def symbolize(pc, is_return=True):
    """Frames for one code address, innermost first:
    [(func, offset or None, 'file:line' or None, inlined)].
    A return address points after the call, so it is looked up at pc - 1,
    as GDB's own bt does."""
    look = pc - 1 if is_return else pc
    sal = gdb.find_pc_line(look)
    where = None
    if sal.symtab is not None and sal.line:
        where = "%s:%d" % (sal.symtab.filename, sal.line)
    blocks = func_blocks(look)
    if blocks:
        out = []
        for i, (name, start, inlined) in enumerate(blocks):
            out.append((name, pc - start if not inlined else None,
                        where if i == 0 else None, inlined))
        return out
    ms = minimal_symbol(pc)
    if ms:
        return [(ms[0], ms[1], where, False)]
    return [("??", None, where, False)]


def describe_pc(pc, is_return=True):
    name, off, where, _ = symbolize(pc, is_return)[-1]
    s = name if off is None else "%s+%d" % (name, off)
    inner = symbolize(pc, is_return)[0]
    if inner[3]:
        s = "%s (inlined %s)" % (s, inner[0])
    if inner[2]:
        s += " at " + inner[2]
    return s


# ---- the saved context ----------------------------------------------------

def saved_context(t):
    """The registers switch_to pushed on t's kernel stack (switch.S):
    t->esp -> edi, esi, ebx, ebp, return eip."""
    esp = int(t["esp"])
    words = [read_u32(esp + 4 * i) for i in range(5)]
    return {"edi": words[0], "esi": words[1], "ebx": words[2],
            "ebp": words[3], "eip": words[4], "esp": esp + 20,
            "saved_at": esp}


def live_registers():
    regs = {}
    frame = gdb.newest_frame()
    for r in ("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip"):
        regs[r] = int(frame.read_register(r)) & 0xffffffff
    return regs


# ---- backtrace from a saved context -----------------------------------------

def backtrace(t, max_frames=64):
    """[(level, pc, text)] lines like GDB's bt, walking the frame-pointer
    chain from the context switch.S saved (or the live registers if t is
    the running task)."""
    kstack = int(t["kstack"])
    top = kstack + KSTACK_SIZE
    if is_running(t):
        regs = live_registers()
        pc, ebp, is_return = regs["eip"], regs["ebp"], False
        low = regs["esp"]
    else:
        ctx = saved_context(t)
        pc, ebp, is_return = ctx["eip"], ctx["ebp"], True
        low = ctx["esp"]
    lines = []
    level = 0

    def emit(pc, is_return, note=""):
        nonlocal level
        for name, off, where, inlined in symbolize(pc, is_return):
            text = "#%-2d 0x%08x in %s ()" % (level, pc, name)
            if where:
                text += " at " + where
            if inlined:
                text += " [inlined]"
            lines.append(text + note)
            level += 1

    while level < max_frames:
        emit(pc, is_return)
        name = symbolize(pc, is_return)[-1][0]
        if name == "task_trampoline":
            break  # the bottom of every kernel thread (task_setup_stack)
        if ebp == 0:
            break
        if not (low <= ebp < top):
            lines.append("    (frame pointer 0x%08x is outside the kernel "
                         "stack 0x%08x-0x%08x: stop)" % (ebp, kstack, top))
            break
        try:
            next_pc = read_u32(ebp + 4)
            next_ebp = read_u32(ebp)
        except gdb.MemoryError:
            lines.append("    (cannot read the frame at 0x%08x)" % ebp)
            break
        if next_pc == 0:
            break
        ms = minimal_symbol(next_pc)
        if ms and ms[0] in ("trap_common", "trap_return"):
            # trap_dispatch(tf) was called by entry.S: continue with the
            # interrupted code, whose registers are in the trap frame.
            emit(next_pc, True)
            arg0 = read_u32(ebp + 8)  # trap_dispatch's argument: tf
            tf = gdb.Value(arg0).cast(_type("struct trap_frame").pointer())
            vec = int(tf["vector"])
            user = (int(tf["cs"]) & 3) == 3
            lines.append("    --- trap %d (%s) from %s mode, eip 0x%08x ---"
                         % (vec, TRAP_NAMES.get(vec, "vector %d" % vec),
                            "user" if user else "kernel", int(tf["eip"])))
            if user:
                lines.append("    (user stack: esp 0x%08x; `user-symbols "
                             "PROG` then `info symbol 0x%x`)"
                             % (int(tf["user_esp"]), int(tf["eip"])))
                break
            pc, ebp, is_return = int(tf["eip"]), int(tf["ebp"]), False
            low = int(arg0)
            continue
        if next_ebp != 0 and next_ebp <= ebp:
            emit(next_pc, True)
            lines.append("    (frame pointer does not go up: stop)")
            break
        low = ebp
        pc, ebp, is_return = next_pc, next_ebp, True
    return lines


# ---- the ready queues ------------------------------------------------------

def ready_queues():
    """(description, [(level label or None, [tasks in order])], count
    variable value or None) for the current policy."""
    name = policy_name()
    if name == "-":
        raise MicaError("no policy yet: the kernel has not run sched_init "
                        "(try `break kernel_init`, then `continue`)")
    if name == "rr":
        q = static_var("rr_queue", "sched_rr.c")
        cnt = int(static_var("rr_count", "sched_rr.c"))
        quantum = int(static_var("rr_quantum", "sched_rr.c"))
        return ("rr, quantum %d ticks: one FIFO, head runs next" % quantum,
                [(None, list_tasks(q, "run_list"))], cnt)
    if name == "prio":
        qs = static_var("prio_queue", "sched_prio.c")
        bitmap = int(static_var("prio_bitmap", "sched_prio.c")) & 0xffffffff
        cnt = int(static_var("prio_count", "sched_prio.c"))
        n = qs.type.strip_typedefs().range()[1] + 1
        levels = []
        warn = []
        # The order prio_pick_next uses: the lowest set bit first.
        for lvl in range(n):
            tasks = list_tasks(qs[lvl], "run_list")
            if bitmap & (1 << lvl):
                levels.append(("level %d" % lvl, tasks))
                if not tasks:
                    warn.append("bit %d set but level %d is empty" % (lvl, lvl))
            elif tasks:
                warn.append("level %d has tasks but bit %d is clear (they "
                            "will not run)" % (lvl, lvl))
        desc = "prio, bitmap 0x%08x: best level first, FIFO in a level" \
            % bitmap
        if warn:
            desc += "\n  WARNING: " + "; ".join(warn)
        return desc, levels, cnt
    if name == "mlfq":
        qs = static_var("mlfq_queue", "sched_mlfq.c")
        cnt = int(static_var("mlfq_count", "sched_mlfq.c"))
        epoch = int(static_var("mlfq_epoch", "sched_mlfq.c"))
        quantum = int(static_var("mlfq_quantum", "sched_mlfq.c"))
        n = qs.type.strip_typedefs().range()[1] + 1
        levels = [("level %d (quantum %d)" % (lvl, quantum << lvl),
                   list_tasks(qs[lvl], "run_list")) for lvl in range(n)]
        return ("mlfq, epoch %d: level 0 first, FIFO in a level" % epoch,
                levels, cnt)
    # A policy written by a student: try <name>_queue (a list or an array).
    try:
        q = static_var("%s_queue" % name, "sched_%s.c" % name)
    except MicaError:
        raise MicaError("policy '%s': runq knows rr, prio and mlfq; add "
                        "yours to ready_queues() in tools/gdb/mica.py" % name)
    if q.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
        n = q.type.strip_typedefs().range()[1] + 1
        levels = [("level %d" % i, list_tasks(q[i], "run_list"))
                  for i in range(n)]
    else:
        levels = [(None, list_tasks(q, "run_list"))]
    return "%s (guessed from %s_queue)" % (name, name), levels, None


# ---- output ------------------------------------------------------------------

def out(s=""):
    gdb.write(s + "\n")


class MicaCommand(gdb.Command):
    """Base: turns MicaError and memory errors into one-line messages."""

    def invoke(self, arg, from_tty):
        try:
            self.run(arg, from_tty)
        except MicaError as e:
            raise gdb.GdbError(str(e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("cannot read kernel memory (%s): is the "
                               "kernel stopped past its start-up?" % e)


class TasksCommand(MicaCommand):
    """List every task, like ps: tasks

PID, PPID, STATE, POLICY, PRIO/STATIC, TICKS (utime+stime), NAME, and for
a WAITING task the wait queue it sleeps on. The idle task (pid 0) comes
first, then the job queue task_list in creation order; * marks current."""

    def __init__(self):
        super().__init__("tasks", gdb.COMMAND_DATA)

    def run(self, arg, from_tty):
        cur = int(current_task())
        pol = policy_name()
        out("  %5s %5s %-10s %-6s %7s %6s  %-16s %s"
            % ("PID", "PPID", "STATE", "POLICY", "PRIO/ST", "TICKS", "NAME",
               "WAITING ON"))
        oncpu = int(on_cpu_task())
        for t in all_tasks():
            parent = t["parent"]
            ppid = task_pid(parent) if int(parent) else 0
            wait = ""
            if task_state(t) == "WAITING" and int(t["waiting_on"]):
                wait = cstring(t["waiting_on"]["name"]) or "(unnamed)"
                if int(t["wake_tick"]) and \
                        not list_is_empty(t["timer_link"]):
                    wait += " (until tick %d)" % int(t["wake_tick"])
            out("%s %5d %5d %-10s %-6s %3d/%-3d %6d  %-16s %s"
                % ("*" if int(t) == cur else " ", task_pid(t), ppid,
                   task_state(t), pol, int(t["prio"]), int(t["static_prio"]),
                   int(t["utime"]) + int(t["stime"]), task_name(t),
                   wait))
        if not int(idle()):
            out("(no tasks yet: the kernel has not run sched_init)")
        elif oncpu != cur:
            t = gdb.Value(oncpu).cast(task_ptr_type())
            out("(stopped in the middle of a switch: current is already the "
                "next task, but the CPU is still on the stack of %s)"
                % short(t))


class RunqCommand(MicaCommand):
    """Show the ready queue(s) of the current policy: runq

Tasks are listed in the order the policy will pick them: rr's rr_queue
from its head; prio's prio_queue[] levels in prio_bitmap order (lowest set
bit first), FIFO inside a level; mlfq's mlfq_queue[] from level 0. The
running task is on no ready queue; it is shown after the list."""

    def __init__(self):
        super().__init__("runq", gdb.COMMAND_DATA)

    def run(self, arg, from_tty):
        desc, levels, cnt = ready_queues()
        total = sum(len(ts) for _, ts in levels)
        out("policy %s" % desc)
        out("%d ready, in the order they will run%s:"
            % (total, "" if cnt is None or cnt == total else
               " (WARNING: the policy's counter says %d)" % cnt))
        i = 0
        for label, tasks in levels:
            if label is not None:
                if not tasks:
                    continue
                out("  %s:" % label)
            for t in tasks:
                i += 1
                out("  %3d. pid %-5d %-16s prio %d/%d  slice %d"
                    % (i, task_pid(t), task_name(t), int(t["prio"]),
                       int(t["static_prio"]), int(t["time_slice"])))
        cur = current_task()
        out("running: %s (slice %d left)" % (short(cur),
                                             int(cur["time_slice"])))


# PCB field groups, in the textbook's order. Fields not named here (added
# later to task_struct) are shown under "other".
PCB_GROUPS = [
    ("identity", ["pid", "name"]),
    ("state", ["state", "waiting_on", "wait_link", "wake_reason",
               "need_resched", "suspended", "killed"]),
    ("CPU context", ["esp", "kstack"]),
    ("scheduling", ["static_prio", "prio", "time_slice", "mlfq_level",
                    "mlfq_epoch", "ready_since", "run_list"]),
    ("memory", ["mm"]),
    ("accounting", ["utime", "stime", "start_time", "nvcsw", "nivcsw",
                    "cpu_limit", "wake_tick", "timer_link"]),
    ("I/O and IPC", ["files", "ipc", "kport"]),
    ("family", ["parent", "children", "sibling", "child_exit",
                "exit_code"]),
    ("job queue", ["tasks"]),
    ("kernel thread start", ["entry", "entry_arg"]),
]


def fmt_field(t, name):
    v = t[name]
    ty = v.type.strip_typedefs()
    if name == "name":
        return '"%s"' % task_name(t)
    if name == "state":
        return task_state(t)
    if name == "waiting_on":
        if not int(v):
            return "NULL"
        return "0x%08x (wait queue \"%s\")" % (int(v), cstring(v["name"]))
    if name == "esp":
        return "0x%08x" % int(v)
    if name == "kstack":
        return "0x%08x (stack 0x%08x-0x%08x)" % (int(v), int(v),
                                                 int(v) + KSTACK_SIZE)
    if name == "children":
        kids = list_tasks(v, "sibling")
        return "%d: %s" % (len(kids), ", ".join(
            "%d %s" % (task_pid(k), task_name(k)) for k in kids) or "-")
    if name == "child_exit":
        sl = list_tasks(v["sleepers"], "wait_link")
        return "wait queue \"%s\", %d sleeping" % (cstring(v["name"]),
                                                   len(sl))
    if name == "mm":
        if not int(v):
            return "NULL (a kernel thread: no user memory)"
        try:
            return "0x%08x (pgdir 0x%08x, %d regions, %d pages, brk 0x%x)" % (
                int(v), int(v["pgdir"]), int(v["nregions"]),
                int(v["pages"]), int(v["brk"]))
        except gdb.error:
            return "0x%08x" % int(v)
    if name == "ipc":
        if not int(v):
            return "NULL (no port name space)"
        used = sum(1 for _ in ipc_entries(v))
        return "0x%08x (%d names in a table of %d; `ports %d`)" % (
            int(v), used, int(v["size"]), task_pid(t))
    if name == "kport":
        if not int(v):
            return "NULL"
        return "0x%08x (port id %d)" % (int(v), int(v["id"]))
    if name == "files":
        if not int(v):
            return "NULL"
        try:
            fds = v["fd"]
            n = fds.type.strip_typedefs().range()[1] + 1
            used = [str(i) for i in range(n) if int(fds[i])]
            return "0x%08x (open fds: %s)" % (int(v), " ".join(used) or "-")
        except gdb.error:
            return "0x%08x" % int(v)
    if name == "entry":
        if not int(v):
            return "NULL"
        return "0x%08x <%s>" % (int(v), symbolize(int(v), False)[-1][0])
    if name == "parent":
        return "NULL" if not int(v) else "0x%08x <%s>" % (int(v), short(v))
    if ty.code == gdb.TYPE_CODE_STRUCT and ty.tag == "list_head":
        return "empty" if list_is_empty(v) else "linked (next 0x%08x)" % int(
            v["next"])
    if ty.code == gdb.TYPE_CODE_PTR:
        return "NULL" if not int(v) else "0x%08x" % int(v)
    if name == "wake_reason" or name == "exit_code" or name == "killed":
        return str(int(v))
    return str(v)


def field_note(t, name):
    """A word of explanation after some fields."""
    v = t[name]
    if name == "run_list":
        return "on a ready queue" if not list_is_empty(v) else \
            "on no ready queue"
    if name == "timer_link":
        return "on the timer list" if not list_is_empty(v) else ""
    if name == "wait_link" and not list_is_empty(v):
        return "on a wait queue"
    if name == "tasks" and not list_is_empty(v):
        return "on task_list"
    if name == "exit_code" and task_state(t) == "TERMINATED":
        return "exit status %d" % (int(v) >> 8)
    if name == "time_slice":
        return "ticks left in its quantum"
    return ""


class TaskCommand(MicaCommand):
    """Print one task's PCB (struct task_struct), grouped: task PID

Identity, state, CPU context (with the registers switch_to saved on the
task's kernel stack: edi, esi, ebx, ebp and the return eip), scheduling,
memory, accounting, I/O and IPC, family."""

    def __init__(self):
        super().__init__("task", gdb.COMMAND_DATA)

    def run(self, arg, from_tty):
        t = find_task(parse_pid(arg, "task"))
        fields = [f.name for f in task_type().fields()]
        shown = set()
        out("struct task_struct at 0x%08x: %s%s" % (
            int(t), short(t), "  (on the CPU now: live registers below)" if is_running(t)
            else ""))
        groups = PCB_GROUPS + [("other", [f for f in fields if not any(
            f in names for _, names in PCB_GROUPS)])]
        for group, names in groups:
            names = [n for n in names if n in fields]
            if not names:
                continue
            out("  %s:" % group)
            for n in names:
                shown.add(n)
                note = field_note(t, n)
                out("    %-13s %s%s" % (n, fmt_field(t, n),
                                        "   (" + note + ")" if note else ""))
            if group == "CPU context":
                self.context(t)

    def context(self, t):
        if is_running(t):
            r = live_registers()
            out("    running now: live registers eip 0x%08x <%s>"
                % (r["eip"], describe_pc(r["eip"], False)))
            out("                 esp 0x%08x ebp 0x%08x ebx 0x%08x "
                "esi 0x%08x edi 0x%08x" % (r["esp"], r["ebp"], r["ebx"],
                                           r["esi"], r["edi"]))
            return
        c = saved_context(t)
        out("    saved by switch_to at esp 0x%08x (switch.S):" % c["saved_at"])
        for i, r in enumerate(("edi", "esi", "ebx", "ebp")):
            out("      [esp+%2d] %-3s 0x%08x" % (4 * i, r, c[r]))
        out("      [esp+16] eip 0x%08x  <%s>" % (c["eip"],
                                                 describe_pc(c["eip"])))
        out("      esp after `ret`: 0x%08x" % c["esp"])


class BtTaskCommand(MicaCommand):
    """Backtrace of a task from its saved context: bt-task PID

Starts at the return eip and saved ebp that switch_to left on the task's
kernel stack and follows the frame-pointer chain (every frame starts
with push %ebp; mov %esp,%ebp: [ebp] = the caller's ebp, [ebp+4] = the
return address). For the running task it starts from the live registers.
It crosses trap frames (interrupts and system calls) back to the
interrupted code."""

    def __init__(self):
        super().__init__("bt-task", gdb.COMMAND_STACK)

    def run(self, arg, from_tty):
        t = find_task(parse_pid(arg, "bt-task"))
        if is_running(t):
            out("%s is on the CPU: from the live registers (like `bt`)"
                % short(t))
        else:
            out("%s: from the context saved by switch_to" % short(t))
        for line in backtrace(t):
            out(line)


def ipc_entries(space):
    """(name, entry) for every used name of an ipc_space."""
    table = space["table"]
    size = int(space["size"])
    if not int(table):
        return
    for name in range(1, size):
        e = table[name]
        if int(e["bits"]) or int(e["object"]):
            yield name, e


def rights_string(bits, urefs):
    r = []
    if bits & RIGHT_RECEIVE:
        r.append("R")
    if bits & RIGHT_SEND:
        r.append("S" if urefs <= 1 else "S(%d)" % urefs)
    if bits & RIGHT_SEND_ONCE:
        r.append("SO")
    if bits & RIGHT_DEAD_NAME:
        r.append("DEAD")
    if bits & RIGHT_PORT_SET:
        r.append("SET")
    return ",".join(r) or "-"


class PortsCommand(MicaCommand):
    """Show a task's port name space: ports PID

One line per name in t->ipc->table: the name, the rights held under it
(R receive, S send (with its count), SO send-once, DEAD dead name, SET
port set), the port's id, its queue (messages queued / limit; 0 is a
rendezvous port), whether it is dead, and what it is for."""

    def __init__(self):
        super().__init__("ports", gdb.COMMAND_DATA)

    def run(self, arg, from_tty):
        t = find_task(parse_pid(arg, "ports"))
        space = t["ipc"]
        if not int(space):
            out("%s has no port name space (kernel threads have none)"
                % short(t))
            return
        reply = int(space["reply_name"])
        kport = int(t["kport"])
        out("%s: name space 0x%08x, table of %d names, %d bytes queued"
            % (short(t), int(space), int(space["size"]),
               int(space["queued_bytes"])))
        out("  %5s  %-10s %5s %9s %5s  %s" % ("NAME", "RIGHTS", "PORT",
                                              "QUEUE", "DEAD", "NOTES"))
        port_t = _type("struct port").pointer()
        set_t = _type("struct port_set").pointer()
        n = 0
        for name, e in ipc_entries(space):
            n += 1
            bits = int(e["bits"])
            obj = int(e["object"])
            rights = rights_string(bits, int(e["urefs"]))
            notes = []
            if name == reply:
                notes.append("msg_rpc reply port")
            if bits & RIGHT_PORT_SET:
                s = gdb.Value(obj).cast(set_t)
                members = list_addrs(int(s["members"].address))
                out("  %5d  %-10s %5s %9s %5s  port set of %d"
                    % (name, rights, "-", "-", "-", len(members)))
                continue
            if not obj:
                out("  %5d  %-10s %5s %9s %5s  %s" % (
                    name, rights, "-", "-", "yes" if bits & RIGHT_DEAD_NAME
                    else "-", "(no port)"))
                continue
            p = gdb.Value(obj).cast(port_t)
            if obj == kport:
                notes.append("its Kernel port")
            elif bool(p["kernel"]) and int(p["kobject"]):
                notes.append("Kernel port of pid %d" % task_pid(p["kobject"]))
            if int(p["nwaiting"]):
                notes.append("%d receiver(s) waiting" % int(p["nwaiting"]))
            if int(p["set"]):
                notes.append("in a port set")
            notes.append("refs %d, send rights %d" % (int(p["refs"]),
                                                       int(p["srights"])))
            out("  %5d  %-10s %5d %4d/%-4d %5s  %s" % (
                name, rights, int(p["id"]), int(p["qlen"]), int(p["qlimit"]),
                "yes" if bool(p["dead"]) else "no", "; ".join(notes)))
        if not n:
            out("  (no names)")


class TraceCommand(MicaCommand):
    """Print the last N scheduler events from trace_buf: trace [N]

The lines are those of trace_dump() (docs/trace-format.md):
TRACE <tick> <tsc> <pid> <from> <to> <reason>, oldest first, between
TRACE-BEGIN <count> <hz> and TRACE-END. N defaults to 20; 0 means every
event still in the ring."""

    def __init__(self):
        super().__init__("trace", gdb.COMMAND_DATA)

    def run(self, arg, from_tty):
        arg = arg.strip()
        try:
            want = int(gdb.parse_and_eval(arg)) if arg else 20
        except gdb.error:
            raise MicaError("usage: trace [N]")
        buf = global_var("trace_buf")
        ev = buf["ev"]
        size = ev.type.strip_typedefs().range()[1] + 1
        head = int(buf["head"]) & 0xffffffff
        kept = min(head, size)
        n = kept if want <= 0 else min(want, kept)
        try:
            reasons = static_var("trace_reason_names", "trace.c")
            nreasons = reasons.type.strip_typedefs().range()[1] + 1
            rnames = [cstring(reasons[i]) for i in range(nreasons)]
        except (MicaError, gdb.error):
            rnames = None
        try:
            hz = int(global_var("hz"))
        except MicaError:
            hz = 0
        out("TRACE-BEGIN %d %d" % (n, hz))
        for i in range(head - n, head):
            e = ev[i % size]
            r = int(e["reason"])
            if rnames is not None:
                reason = rnames[r] if r < len(rnames) else "?"
            else:
                reason = enum_name(gdb.Value(r).cast(
                    _type("enum trace_reason")), "TR_").lower()
            st = _type("enum task_state")
            out("TRACE %d %d %d %s %s %s" % (
                int(e["tick"]), int(e["tsc"]), int(e["pid"]),
                enum_name(gdb.Value(int(e["from"])).cast(st), "TASK_"),
                enum_name(gdb.Value(int(e["to"])).cast(st), "TASK_"),
                reason))
        out("TRACE-END")


# ---- break-switch ------------------------------------------------------------

def optimized_build():
    """True unless the kernel was compiled with -O0 (make DEBUG=1)."""
    try:
        sym = gdb.lookup_global_symbol("context_switch")
        producer = sym.symtab.producer if sym is not None else ""
    except (AttributeError, gdb.error):
        return False
    return bool(re.search(r"-O[1-3s]", producer or ""))


class SwitchBreakpoint(gdb.Breakpoint):
    """Stops at a context switch (into `want`, if not None) and prints
    prev and next. In the -O0 build it sits on context_switch and reads
    its arguments; in the -O2 build, where gcc inlines context_switch and
    keeps prev/next only in registers, it sits on switch_to (assembly),
    where the arguments are always at 4(%esp) and 8(%esp)."""

    def __init__(self, want=None, location=None):
        self.at_switch_to = location == "switch_to" if location else \
            optimized_build()
        loc = location or ("switch_to" if self.at_switch_to
                           else "context_switch")
        super().__init__(loc, gdb.BP_BREAKPOINT, temporary=True)
        self.want = want
        self.silent = False

    def prev_next(self):
        if not self.at_switch_to:
            try:
                f = gdb.selected_frame()
                prev, nxt = f.read_var("prev"), f.read_var("next")
                if not prev.is_optimized_out and not nxt.is_optimized_out:
                    return prev, nxt
            except (gdb.error, ValueError):
                pass
        sp = int(gdb.parse_and_eval("$esp")) & 0xffffffff
        tp = task_ptr_type()
        return (gdb.Value(read_u32(sp + 4)).cast(tp),
                gdb.Value(read_u32(sp + 8)).cast(tp))

    def stop(self):
        try:
            prev, nxt = self.prev_next()
            if self.want is not None and task_pid(nxt) != self.want:
                return False
            out("break-switch: pid %d (%s) -> pid %d (%s)" % (
                task_pid(prev), task_name(prev), task_pid(nxt),
                task_name(nxt)))
        except (gdb.error, gdb.MemoryError, MicaError) as e:
            out("break-switch: cannot read prev/next (%s)" % e)
        return True


class BreakSwitchCommand(MicaCommand):
    """Stop at the next context switch: break-switch [PID]

Sets a one-shot breakpoint on context_switch (switch_to in an optimised
build) that stops only when the next task is PID (any task if no PID is
given) and prints "pid A (name) -> pid B (name)". Then `continue`."""

    def __init__(self):
        super().__init__("break-switch", gdb.COMMAND_BREAKPOINTS)

    def run(self, arg, from_tty):
        arg = arg.strip()
        want = parse_pid(arg, "break-switch") if arg else None
        if want is not None:
            find_task(want)  # complain now about a pid that does not exist
        bp = SwitchBreakpoint(want)
        out("break-switch: breakpoint %d at %s, stops at the next switch%s;"
            " now `continue`" % (bp.number, bp.location,
                                 "" if want is None else " into pid %d" % want))


# ---- user program symbols --------------------------------------------------

def user_symbols(prog):
    """add-symbol-file for a user program (linked at 0x08048000)."""
    prog = prog.strip()
    if not prog:
        raise gdb.GdbError("usage: user-symbols PROG (e.g. sh, init)")
    cands = []
    kfile = gdb.current_progspace().filename
    if kfile:
        cands.append(os.path.join(os.path.dirname(kfile), "user", prog))
    cands += [os.path.join("build-debug", "user", prog),
              os.path.join("build", "user", prog)]
    for c in cands:
        if os.path.isfile(c):
            old = gdb.parameter("confirm")
            gdb.execute("set confirm off")
            try:
                gdb.execute("add-symbol-file %s" % c)
            finally:
                gdb.execute("set confirm %s" % ("on" if old else "off"))
            return
    raise gdb.GdbError("no user program '%s' in %s" % (prog, ", ".join(
        dict.fromkeys(cands))))


# ---- pretty-printers ---------------------------------------------------------

class TaskPrinter:
    """struct task_struct: "pid 3 worker-a READY" and then its fields."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        return short(self.val.address) if self.val.address is not None \
            else "task_struct"

    def children(self):
        for f in self.val.type.strip_typedefs().fields():
            yield f.name, self.val[f.name]


class TaskPointerPrinter:
    """struct task_struct *: "0xc0123456 <pid 3 worker-a READY>"."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        addr = int(self.val)
        if not addr:
            return "0x0"
        return "0x%08x <%s>" % (addr, short(self.val))


def mica_lookup(val):
    ty = val.type.strip_typedefs()
    if ty.code == gdb.TYPE_CODE_STRUCT and ty.tag == "task_struct":
        return TaskPrinter(val)
    if ty.code == gdb.TYPE_CODE_PTR:
        target = ty.target().strip_typedefs()
        if target.code == gdb.TYPE_CODE_STRUCT and \
                target.tag == "task_struct":
            return TaskPointerPrinter(val)
    return None


def register():
    for f in list(gdb.pretty_printers):
        if getattr(f, "__name__", "") == "mica_lookup":
            gdb.pretty_printers.remove(f)
    gdb.pretty_printers.append(mica_lookup)
    TasksCommand()
    RunqCommand()
    TaskCommand()
    BtTaskCommand()
    PortsCommand()
    TraceCommand()
    BreakSwitchCommand()


# The name gdbinit's user-symbols command calls (`source` runs this file
# in GDB's __main__, so later `python` lines see it).
mica_user_symbols = user_symbols
register()
