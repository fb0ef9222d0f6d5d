#!/usr/bin/env python3
"""tracevis.py - draw mica's scheduler trace as a picture.

    tools/tracevis.py LOG [-o trace.svg] [--html trace.html] [--tree tree.svg]
                      [--axis warp|linear] [--quiet]

LOG is a serial log (or any text) holding a trace dump in the format of
docs/trace-format.md: `TRACE-BEGIN <count> <hz>`, `TRACE ...` lines,
`TRACE-END`. Other lines are ignored; if the log holds several dumps the
last one is drawn. `make trace` boots a workload and runs this script.

The timeline (-o): one lane per task (pid and name, from the NAME events),
time from left to right. A lane is a row of bars, one per stretch of time
the task spent in one state: RUNNING, READY, WAITING, NEW (hatched) and
TERMINATED (grey: a zombie, until its parent reaps it and the bar stops).
A small triangle marks each dispatch (each context switch into the task).
An arrow goes from the sender's lane to the receiver's lane for each
received message (MSG line). Messages from the kernel (sender 0:
notifications, Kernel-port replies) start from a "kernel" strip above the
lanes. Hover over anything for its <title>: tick, pid, states, reason.

Time: each event has a tick and a TSC. The picture places an event at
tick + fraction, the fraction coming from the TSC (fitted over the whole
trace; see TimeMap). With --axis warp (the default) the axis is stretched
where events are dense, so that a burst of 100 switches inside one tick
can still be seen; the grid lines and labels are real ticks, but lengths
are not proportional to time there. --axis linear draws time to scale.
The summary table (--html, and the text on stdout) is always in real time.

The process tree (--tree): parent -> child edges from the NAME events
(each carries the parent's pid at creation), the names a task had (exec
renames it), and how it ended. A task whose parent exited first was
adopted by init (the kernel's rule, kernel/task.c reparent_children): the
picture draws that adoption as a dashed edge; the trace itself does not
record it.

Python 3 standard library only. The parser (read_trace), the time map and
the per-task statistics (analyse) are used by tools/grade.py too.
"""
import argparse
import html
import math
import os
import sys
from xml.sax.saxutils import escape, quoteattr

STATES = ("NEW", "READY", "RUNNING", "WAITING", "TERMINATED")
COLOURS = {  # fill per state; NEW uses a hatch pattern
    "RUNNING": "#2e9d4f",
    "READY": "#f2b134",
    "WAITING": "#7fb3e6",
    "NEW": "url(#hatch)",
    "TERMINATED": "#9a9a9a",
}
STATE_HELP = {
    "RUNNING": "on the CPU",
    "READY": "waiting for the CPU (on a ready queue)",
    "WAITING": "blocked on an event (a wait queue)",
    "NEW": "created, not yet admitted",
    "TERMINATED": "exited: a zombie until its parent reaps it",
}
KNOWN_NAMES = {0: "idle", 1: "init"}


# ---- parsing ----------------------------------------------------------------
class Event:
    """One TRACE line. kind is 'state', 'name' or 'msg'."""

    __slots__ = ("seq", "tick", "tsc", "pid", "kind", "frm", "to", "reason",
                 "ppid", "name", "sender", "sent_tick", "t")

    def __init__(self, seq, tick, tsc, pid, kind):
        self.seq, self.tick, self.tsc, self.pid, self.kind = \
            seq, tick, tsc, pid, kind
        self.frm = self.to = self.reason = self.name = None
        self.ppid = self.sender = self.sent_tick = None
        self.t = float(tick)  # set by TimeMap

    def describe(self):
        if self.kind == "name":
            return "NAME %s (parent %d)" % (self.name, self.ppid)
        if self.kind == "msg":
            return "MSG from %d sent at tick %d" % (self.sender,
                                                    self.sent_tick)
        return "%s -> %s (%s)" % (self.frm, self.to, self.reason)


class Trace:
    def __init__(self, hz, events, declared):
        self.hz, self.events, self.declared = hz, events, declared


def parse_line(seq, line):
    f = line.split()
    if len(f) < 6 or f[0] != "TRACE":
        return None
    try:
        tick, tsc, pid = int(f[1]), int(f[2]), int(f[3])
        if f[4] == "NAME":
            e = Event(seq, tick, tsc, pid, "name")
            e.ppid, e.name = int(f[5]), (f[6] if len(f) > 6 else "?")
        elif f[4] == "MSG":
            e = Event(seq, tick, tsc, pid, "msg")
            e.sender, e.sent_tick = int(f[5]), int(f[6])
        elif len(f) >= 7 and f[4] in STATES and f[5] in STATES:
            e = Event(seq, tick, tsc, pid, "state")
            e.frm, e.to, e.reason = f[4], f[5], f[6]
        else:
            return None
    except (ValueError, IndexError):
        return None
    return e


def read_trace(text):
    """The last TRACE-BEGIN..TRACE-END block of text (or, with no markers,
    every TRACE line). Raises ValueError if there is no trace at all."""
    lines = text.replace("\r", "").split("\n")
    blocks, cur = [], None
    for line in lines:
        s = line.strip()
        if s.startswith("TRACE-BEGIN"):
            f = s.split()
            try:
                cur = (int(f[1]), int(f[2]), [])
            except (IndexError, ValueError):
                cur = (0, 100, [])
        elif s == "TRACE-END":
            if cur is not None:
                blocks.append(cur)
            cur = None
        elif cur is not None and s.startswith("TRACE "):
            cur[2].append(s)
    if cur is not None:  # cut short: use what arrived
        blocks.append(cur)
    if blocks:
        declared, hz, body = blocks[-1]
    else:
        declared, hz = None, 100
        body = [line.strip() for line in lines
                if line.strip().startswith("TRACE ")]
    events = [e for e in (parse_line(i, s) for i, s in enumerate(body)) if e]
    if not events:
        raise ValueError("no TRACE lines found")
    return Trace(hz or 100, events, declared)


# ---- time -------------------------------------------------------------------
class TimeMap:
    """Turns (tick, tsc) into a time in ticks, tick + fraction.

    The TSC runs at some rate b per tick. b comes from the first and last
    events (if they are at least two ticks apart); the phase a is chosen as
    the smallest tsc - b*tick seen, so that a tick starts at a + b*tick.
    The fraction (tsc - a - b*tick) / b is clamped to [0, 0.999], which
    keeps the order of the events even when the TSC is noisy (QEMU without
    -icount) and keeps every event inside its own tick."""

    def __init__(self, events):
        first, last = events[0], events[-1]
        self.rate = None
        if last.tick - first.tick >= 2 and last.tsc > first.tsc:
            self.rate = (last.tsc - first.tsc) / float(last.tick - first.tick)
        if self.rate:
            self.phase = min(e.tsc - self.rate * e.tick for e in events)
        else:  # everything within a tick or two: spread by TSC within it
            self.lo = {}
            self.hi = {}
            for e in events:
                self.lo[e.tick] = min(self.lo.get(e.tick, e.tsc), e.tsc)
                self.hi[e.tick] = max(self.hi.get(e.tick, e.tsc), e.tsc)
        for e in events:
            e.t = self.time(e.tick, e.tsc)

    def time(self, tick, tsc):
        if self.rate:
            frac = (tsc - self.phase - self.rate * tick) / self.rate
        else:
            lo, hi = self.lo.get(tick, tsc), self.hi.get(tick, tsc)
            frac = (tsc - lo) / float(hi - lo) * 0.9 if hi > lo else 0.0
        return tick + min(max(frac, 0.0), 0.999)


# ---- analysis -----------------------------------------------------------------
class Segment:
    __slots__ = ("state", "start", "end", "why_in", "why_out")

    def __init__(self, state, start, why_in):
        self.state, self.start, self.why_in = state, start, why_in
        self.end, self.why_out = None, None


class Task:
    def __init__(self, pid):
        self.pid = pid
        self.names = []      # every name it had, in order (exec renames)
        self.ppid = None     # parent at creation (NAME event)
        self.segments = []
        self.dispatches = []  # events
        self.counts = {}     # reason -> number of events
        self.sent = 0
        self.received = 0
        self.created = self.exited = self.reaped = None  # times
        self.final = None    # state at the end of the trace (None: gone)

    @property
    def name(self):
        if self.names:
            return self.names[-1]
        return KNOWN_NAMES.get(self.pid, "?")

    @property
    def label(self):
        return "%d %s" % (self.pid, self.name)

    def time_in(self, state, start=None, end=None):
        """Ticks spent in state, optionally only within [start, end)."""
        total = 0.0
        for s in self.segments:
            if s.state != state:
                continue
            a = s.start if start is None else max(s.start, start)
            b = s.end if end is None else min(s.end, end)
            if b > a:
                total += b - a
        return total


class Analysis:
    def __init__(self, trace):
        self.trace = trace
        self.hz = trace.hz
        ev = trace.events
        self.timemap = TimeMap(ev)
        self.start, self.end = ev[0].t, ev[-1].t
        self.tasks = {}
        self.msgs = [e for e in ev if e.kind == "msg"]
        self.dispatches = [e for e in ev if e.kind == "state"
                           and e.reason == "dispatch"]
        for e in ev:
            self.task(e.pid)
            if e.kind == "msg" and e.sender != 0:
                self.task(e.sender)
        cur = {}  # pid -> open segment (absent: not seen / gone)
        seen = set()
        for e in ev:
            t = self.task(e.pid)
            if e.kind == "name":
                if not t.names or t.names[-1] != e.name:
                    t.names.append(e.name)
                if t.ppid is None:  # the parent at creation (exec repeats it)
                    t.ppid = e.ppid
                continue
            if e.kind == "msg":
                t.received += 1
                if e.sender != 0:
                    self.task(e.sender).sent += 1
                continue
            t.counts[e.reason] = t.counts.get(e.reason, 0) + 1
            seg = cur.get(e.pid)
            if seg is None and e.pid not in seen and e.reason != "create":
                # The trace begins in the middle of this task's life.
                seg = Segment(e.frm, self.start, "before the trace")
                t.segments.append(seg)
            seen.add(e.pid)
            if seg is not None:
                seg.end, seg.why_out = e.t, e.reason
                cur.pop(e.pid, None)
            if e.reason == "create":
                t.created = e.t
            if e.reason == "dispatch":
                t.dispatches.append(e)
            if e.reason == "exit":
                t.exited = e.t
            if e.reason == "reap":
                t.reaped = e.t
                continue  # gone: no more bar
            seg = Segment(e.to, e.t, e.reason)
            t.segments.append(seg)
            cur[e.pid] = seg
        for pid, seg in cur.items():
            seg.end, seg.why_out = self.end, "end of the trace"
            self.tasks[pid].final = seg.state
        # Who ran just before each dispatch (for the markers' titles).
        self.prev_of = {}
        last_off = None
        for e in ev:
            if e.kind == "state" and e.frm == "RUNNING":
                last_off = e
            if e.kind == "state" and e.reason == "dispatch":
                self.prev_of[e.seq] = last_off

    def task(self, pid):
        if pid not in self.tasks:
            self.tasks[pid] = Task(pid)
        return self.tasks[pid]

    def pids(self):
        return sorted(self.tasks)

    def describe_pid(self, pid):
        if pid == 0 and pid not in self.tasks:
            return "the kernel"
        return "pid %s" % self.tasks[pid].label if pid in self.tasks \
            else "pid %d" % pid

    def when(self, t):
        tick = int(math.floor(t))
        return "tick %d (+%.2f) = %.1f ms" % (tick, t - tick,
                                             t * 1000.0 / self.hz)

    def send_time(self, m):
        """Where a message's arrow starts. The trace has the send only to
        the tick, so take the sender's last moment on the CPU within that
        tick and not after the receive; failing that, the tick's start."""
        recv = m.t
        latest = min(recv, m.sent_tick + 0.999)
        if m.sender == 0 or m.sender not in self.tasks:
            return min(float(m.sent_tick), recv)
        best = None
        for s in self.tasks[m.sender].segments:
            if s.state != "RUNNING":
                continue
            a, b = s.start, min(s.end, latest)
            if b >= a and b >= m.sent_tick:
                best = b if best is None else max(best, b)
        return best if best is not None else min(float(m.sent_tick), recv)


# ---- the x axis ---------------------------------------------------------------
class XAxis:
    """Time (ticks) -> x pixels. linear: to scale. warp: consecutive
    distinct event times are at least min_gap pixels apart, and the
    stretch in between is linear, so the map stays monotonic."""

    def __init__(self, times, left, px_per_tick, min_gap):
        pts = sorted(set(times))
        self.left, self.ppt = left, px_per_tick
        self.ts, self.xs = [pts[0]], [float(left)]
        for t in pts[1:]:
            self.ts.append(t)
            self.xs.append(self.xs[-1] + max(min_gap, (t - self.ts[-2]) *
                                             px_per_tick))

    def __call__(self, t):
        ts, xs = self.ts, self.xs
        if t <= ts[0]:
            return xs[0] - (ts[0] - t) * self.ppt
        if t >= ts[-1]:
            return xs[-1] + (t - ts[-1]) * self.ppt
        lo, hi = 0, len(ts) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ts[mid] <= t:
                lo = mid
            else:
                hi = mid
        span = ts[hi] - ts[lo]
        f = (t - ts[lo]) / span if span else 0.0
        return xs[lo] + f * (xs[hi] - xs[lo])

    @property
    def right(self):
        return self.xs[-1]


# ---- the timeline SVG -------------------------------------------------------------
LABEL_W = 150
LANE_H = 30
BAR_H = 16
TOP = 92          # legend, then the kernel strip
AXIS_H = 46


def fmt(x):
    return "%.1f" % x


def svg_defs():
    return """<defs>
  <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
    <rect width="6" height="6" fill="#ffffff"/>
    <line x1="0" y1="0" x2="0" y2="6" stroke="#888888" stroke-width="2"/>
  </pattern>
  <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
    <path d="M 0 0 L 10 5 L 0 10 z" fill="#b0306a"/>
  </marker>
</defs>
<style>
  text { font-family: sans-serif; font-size: 12px; fill: #222; }
  .small { font-size: 10px; fill: #555; }
  .grid { stroke: #e4e4e4; stroke-width: 1; }
  .grid-major { stroke: #c8c8c8; stroke-width: 1; }
  .bar { stroke: #ffffff; stroke-width: 0.5; }
  .bar:hover, .dispatch:hover { stroke: #000; stroke-width: 1.5; }
  .dispatch, .dispatch-key { fill: #111; }
  .msg line { stroke: #b0306a; stroke-width: 1.2; }
  .msg:hover line { stroke-width: 3; }
  .lane-bg { fill: #f7f7f7; }
  .kernel-strip { fill: #efe6f6; }
</style>
"""


def render_timeline(an, axis_kind="warp"):
    """The timeline as an SVG document (a string)."""
    pids = an.pids()
    span = max(an.end - an.start, 1e-3)
    ppt = min(max(1100.0 / span, 4.0), 200.0)
    times = [e.t for e in an.trace.events]
    msg_starts = {m.seq: an.send_time(m) for m in an.msgs}
    times += list(msg_starts.values())
    xa = XAxis(times, LABEL_W + 10, ppt, 5.0 if axis_kind == "warp" else 0.0)
    lane_y = {pid: TOP + 34 + i * LANE_H for i, pid in enumerate(pids)}
    kernel_y = TOP + 8
    width = max(int(xa.right + 40), 1120)  # at least the legend
    height = int(TOP + 34 + len(pids) * LANE_H + AXIS_H)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" class="mica-trace" data-axis="%s">'
           % (width, height, width, height, axis_kind),
           "<title>mica scheduler trace: %d tasks, %d events, %d dispatches,"
           " %d messages</title>" % (len(pids), len(an.trace.events),
                                     len(an.dispatches), len(an.msgs)),
           svg_defs()]

    # Legend.
    out.append('<g class="legend">')
    out.append('<text x="10" y="18" style="font-weight:bold">mica scheduler'
               ' trace</text>')
    out.append('<text x="10" y="36" class="small">%d Hz (1 tick = %s ms); '
               'axis: %s</text>' % (an.hz, fmt(1000.0 / an.hz),
                                    "stretched where events are dense "
                                    "(grid lines are real ticks)"
                                    if axis_kind == "warp" else "to scale"))
    x = 10
    for st in ("RUNNING", "READY", "WAITING", "NEW", "TERMINATED"):
        out.append('<rect x="%d" y="48" width="22" height="12" fill="%s" '
                   'stroke="#666" stroke-width="0.5"><title>%s: %s</title>'
                   '</rect>' % (x, COLOURS[st], st, STATE_HELP[st]))
        label = "TERMINATED (zombie)" if st == "TERMINATED" else st
        out.append('<text x="%d" y="58">%s</text>' % (x + 27, label))
        x += 40 + 8 * len(label)
    out.append('<path d="M %d 48 l 5 8 l 5 -8 z" class="dispatch-key"/>'
               % x)
    out.append('<text x="%d" y="58">dispatch (context switch in)</text>'
               % (x + 15))
    x += 215
    out.append('<line x1="%d" y1="54" x2="%d" y2="54" stroke="#b0306a" '
               'stroke-width="1.2" marker-end="url(#arrowhead)"/>'
               % (x, x + 28))
    out.append('<text x="%d" y="58">message (sender to receiver)</text>'
               % (x + 34))
    out.append("</g>")

    # Grid: one line per tick (thinned when ticks are crowded), labels at
    # least 46 px apart.
    first, last = int(math.floor(an.start)), int(math.ceil(an.end))
    nticks = last - first + 1
    step = 1
    while nticks / step > 1500:
        step *= 2 if str(step)[0] != "2" else 2.5
        step = int(step)
    out.append('<g class="axis">')
    last_label = -1e9
    ybot = TOP + 34 + len(pids) * LANE_H
    for k in range(first - first % step, last + 1, step):
        xk = xa(k)
        if xk < LABEL_W:
            continue
        major = k % (5 * step) == 0
        out.append('<line x1="%s" y1="%d" x2="%s" y2="%d" class="%s"/>'
                   % (fmt(xk), TOP + 2, fmt(xk), ybot,
                      "grid-major" if major else "grid"))
        if xk - last_label >= 46:
            out.append('<text x="%s" y="%d" text-anchor="middle" '
                       'class="small">%d</text>' % (fmt(xk), ybot + 14, k))
            last_label = xk
    out.append('<text x="%d" y="%d">time (ticks of %s ms; hover for exact'
               ' times)</text>' % (LABEL_W + 10, ybot + 34,
                                   fmt(1000.0 / an.hz)))
    out.append("</g>")

    # The kernel strip (sender 0 of MSG lines).
    out.append('<g class="kernel-strip-g"><rect x="0" y="%d" width="%d" '
               'height="%d" class="kernel-strip"><title>the kernel: '
               'messages with sender 0 (notifications, Kernel-port replies)'
               ' start here</title></rect><text x="8" y="%d" class="small">'
               'kernel (sender 0)</text></g>'
               % (kernel_y, width, 18, kernel_y + 13))

    # Lanes.
    for pid in pids:
        t = an.tasks[pid]
        y = lane_y[pid]
        out.append('<g class="lane" data-pid="%d" data-name=%s>'
                   % (pid, quoteattr(t.name)))
        out.append('<rect x="0" y="%d" width="%d" height="%d" '
                   'class="lane-bg"/>' % (y - LANE_H // 2 + 2, width,
                                          LANE_H - 4))
        names = " -> ".join(t.names) if t.names else t.name
        parent = (", parent %d" % t.ppid) if t.ppid is not None else ""
        out.append('<text x="8" y="%d" class="lane-label">%s<title>pid %d:'
                   ' %s%s</title></text>' % (y + 4, escape(t.label), pid,
                                             escape(names), parent))
        for s in t.segments:
            x0, x1 = xa(s.start), xa(s.end)
            w = max(x1 - x0, 0.8)
            title = ("pid %s %s from %s to %s (%.2f ticks, %.2f ms); "
                     "entered by %s, left by %s"
                     % (escape(t.label), s.state, an.when(s.start),
                        an.when(s.end), s.end - s.start,
                        (s.end - s.start) * 1000.0 / an.hz, s.why_in,
                        s.why_out))
            out.append('<rect class="bar state-%s" x="%s" y="%d" width="%s"'
                       ' height="%d" fill="%s"><title>%s</title></rect>'
                       % (s.state.lower(), fmt(x0), y - BAR_H // 2, fmt(w),
                          BAR_H, COLOURS[s.state], title))
        for e in t.dispatches:
            xd = xa(e.t)
            prev = an.prev_of.get(e.seq)
            after = ("; the CPU came from pid %s (%s)" % (
                escape(an.tasks[prev.pid].label), prev.reason)) \
                if prev is not None else ""
            out.append('<path class="dispatch" d="M %s %d l -4 -6 l 8 0 z">'
                       '<title>%s: dispatch pid %s, READY -&gt; RUNNING%s'
                       '</title></path>'
                       % (fmt(xd), y - BAR_H // 2, an.when(e.t),
                          escape(t.label), after))
        out.append("</g>")

    # Message arrows, over the lanes.
    out.append('<g class="messages">')
    for m in an.msgs:
        xs, xr = xa(msg_starts[m.seq]), xa(m.t)
        ys = kernel_y + 9 if m.sender == 0 else lane_y[m.sender]
        yr = lane_y[m.pid]
        title = ("message from %s to %s: sent at tick %d, received at %s"
                 % (escape(an.describe_pid(m.sender)) if m.sender else
                    "the kernel", escape(an.describe_pid(m.pid)),
                    m.sent_tick, an.when(m.t)))
        out.append('<g class="msg" data-from="%d" data-to="%d"><title>%s'
                   '</title><line x1="%s" y1="%d" x2="%s" y2="%d" '
                   'marker-end="url(#arrowhead)"/></g>'
                   % (m.sender, m.pid, title, fmt(xs), ys, fmt(xr), yr))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---- the process tree ----------------------------------------------------------
def tree_structure(an):
    """(nodes, children, adopted): children[pid] are the pids created by
    pid; adopted[pid] = tick at which init adopted it (its parent exited
    while it still lived)."""
    nodes = [pid for pid in an.pids() if an.tasks[pid].names or pid <= 1]
    children = {pid: [] for pid in nodes}
    roots = []
    for pid in nodes:
        pp = an.tasks[pid].ppid
        if pid == 0:
            roots.append(pid)
        elif pp is not None and pp in children and pp != pid:
            children[pp].append(pid)
        elif pp == 0 or pp is None:
            if 0 in children:
                children[0].append(pid)
            else:
                roots.append(pid)
        else:  # its parent is not in the trace
            roots.append(pid)
    adopted = {}
    for pid in nodes:
        t = an.tasks[pid]
        pp = t.ppid
        if pid <= 1 or pp is None or pp <= 1 or pp not in an.tasks:
            continue
        parent_end = an.tasks[pp].exited
        own_end = t.exited if t.exited is not None else an.end
        if parent_end is not None and parent_end < own_end:
            adopted[pid] = parent_end
    return nodes, children, roots, adopted


def fate(an, t):
    bits = []
    if t.exited is not None:
        bits.append("exit @%.1f" % t.exited)
    if t.reaped is not None:
        bits.append("reaped @%.1f" % t.reaped)
    elif t.final == "TERMINATED":
        bits.append("zombie at end")
    elif t.final:
        bits.append("%s at end" % t.final)
    return ", ".join(bits)


def render_tree(an):
    nodes, children, roots, adopted = tree_structure(an)
    box_w, box_h, gap_x, gap_y = 170, 52, 20, 46
    pos = {}
    col = [0]

    def place(pid, depth):
        kids = children.get(pid, [])
        if not kids:
            pos[pid] = (col[0], depth)
            col[0] += 1
        else:
            for k in kids:
                place(k, depth + 1)
            pos[pid] = ((pos[kids[0]][0] + pos[kids[-1]][0]) / 2.0, depth)

    for r in roots:
        place(r, 0)
    ncols = max(col[0], 1)
    depth = max((d for _, d in pos.values()), default=0) + 1
    width = max(int(60 + ncols * (box_w + gap_x)), 640)
    height = int(70 + depth * (box_h + gap_y))

    def xy(pid):
        c, d = pos[pid]
        return 10 + c * (box_w + gap_x), 50 + d * (box_h + gap_y)

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" class="mica-tree">' % (width, height, width,
                                                         height),
           "<title>mica process tree: %d tasks</title>" % len(nodes),
           "<style> text { font-family: sans-serif; font-size: 12px; } "
           ".small { font-size: 10px; fill: #444; } .tree-edge { stroke: "
           "#555; stroke-width: 1.5; fill: none; } .adopt { stroke: #b0306a;"
           " stroke-dasharray: 5 4; stroke-width: 1.2; fill: none; } "
           "</style>",
           '<text x="10" y="20" style="font-weight:bold">process tree '
           '(parent at creation, from the NAME events)</text>',
           '<text x="10" y="36" class="small">dashed: adopted by init '
           'when its parent exited (inferred; the trace does not record '
           'it). @ = at tick</text>']
    for pid in nodes:
        x, y = xy(pid)
        for k in children.get(pid, []):
            kx, ky = xy(k)
            out.append('<path class="tree-edge" data-parent="%d" '
                       'data-child="%d" d="M %s %s C %s %s, %s %s, %s %s"/>'
                       % (pid, k, fmt(x + box_w / 2), fmt(y + box_h),
                          fmt(x + box_w / 2), fmt(y + box_h + gap_y / 2),
                          fmt(kx + box_w / 2), fmt(ky - gap_y / 2),
                          fmt(kx + box_w / 2), fmt(ky)))
    if 1 in pos:
        ix, iy = xy(1)
        for pid, when in adopted.items():
            kx, ky = xy(pid)
            bend = max(ix, kx) + box_w + 30
            out.append('<path class="adopt" data-child="%d" d="M %s %s C %s '
                       '%s, %s %s, %s %s"><title>pid %d adopted by init at %s'
                       ' (its parent exited)</title></path>'
                       % (pid, fmt(ix + box_w), fmt(iy + box_h / 2),
                          fmt(bend), fmt(iy + box_h / 2), fmt(bend),
                          fmt(ky + box_h / 2), fmt(kx + box_w),
                          fmt(ky + box_h / 2), pid, an.when(when)))
    for pid in nodes:
        t = an.tasks[pid]
        x, y = xy(pid)
        fill = {"TERMINATED": "#dddddd", "RUNNING": "#cfeed8",
                "READY": "#fbe7bd", "WAITING": "#dceafa"}.get(t.final,
                                                               "#ffffff")
        names = " -> ".join(t.names) if len(t.names) > 1 else ""
        title = "pid %d %s; parent %s; %s" % (
            pid, " -> ".join(t.names) or t.name,
            t.ppid if t.ppid is not None else "?", fate(an, t) or "-")
        if pid in adopted:
            title += "; orphaned: adopted by init at %s" % an.when(
                adopted[pid])
        out.append('<g class="tree-node" data-pid="%d"><title>%s</title>'
                   '<rect x="%s" y="%s" width="%d" height="%d" rx="6" '
                   'fill="%s" stroke="#444"/>' % (pid, escape(title), fmt(x),
                                                  fmt(y), box_w, box_h, fill))
        out.append('<text x="%s" y="%s" style="font-weight:bold">%s</text>'
                   % (fmt(x + 8), fmt(y + 16), escape(t.label)))
        line2 = ("exec: " + names) if names else (
            "created @%.1f" % t.created if t.created is not None else "")
        out.append('<text x="%s" y="%s" class="small">%s</text>'
                   % (fmt(x + 8), fmt(y + 30), escape(line2[:30])))
        out.append('<text x="%s" y="%s" class="small">%s</text>'
                   % (fmt(x + 8), fmt(y + 44), escape(fate(an, t)[:32])))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---- summary -------------------------------------------------------------------
def summary_rows(an):
    rows = []
    for pid in an.pids():
        t = an.tasks[pid]
        rows.append({
            "pid": pid, "name": t.name, "names": t.names,
            "ppid": t.ppid,
            "running": t.time_in("RUNNING"), "ready": t.time_in("READY"),
            "waiting": t.time_in("WAITING"), "new": t.time_in("NEW"),
            "zombie": t.time_in("TERMINATED"),
            "dispatches": len(t.dispatches),
            "preempts": t.counts.get("preempt", 0),
            "blocks": t.counts.get("block", 0),
            "yields": t.counts.get("yield", 0),
            "sent": t.sent, "received": t.received,
        })
    return rows


def summary_text(an):
    ms = 1000.0 / an.hz
    lines = ["%5s %-12s %9s %9s %9s %6s %6s %6s %5s %5s" % (
        "PID", "NAME", "RUN ms", "READY ms", "WAIT ms", "DISP", "PREEMPT",
        "BLOCK", "SENT", "RECV")]
    for r in summary_rows(an):
        lines.append("%5d %-12s %9.1f %9.1f %9.1f %6d %6d %6d %5d %5d" % (
            r["pid"], r["name"][:12], r["running"] * ms, r["ready"] * ms,
            r["waiting"] * ms, r["dispatches"], r["preempts"], r["blocks"],
            r["sent"], r["received"]))
    return "\n".join(lines)


def strip_xml_decl(svg):
    return svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg


def render_html(an, timeline_svg, tree_svg, source):
    ms = 1000.0 / an.hz
    rows = []
    for r in summary_rows(an):
        rows.append(
            "<tr><td>%d</td><td>%s</td><td>%s</td>" % (
                r["pid"], html.escape(" &rarr; ".join(r["names"]) or
                                      r["name"]).replace("&amp;rarr;",
                                                         "&rarr;"),
                "" if r["ppid"] is None else r["ppid"]) +
            "".join("<td>%.1f</td>" % (r[k] * ms) for k in
                    ("running", "ready", "waiting", "new", "zombie")) +
            "".join("<td>%d</td>" % r[k] for k in
                    ("dispatches", "preempts", "blocks", "yields", "sent",
                     "received")) + "</tr>")
    tree = ""
    if tree_svg:
        tree = ("<h2>Process tree</h2>\n<p>Each task under the parent that "
                "created it (from the trace's NAME events). A dashed line "
                "means the task outlived its parent and was adopted by init; "
                "the kernel does that (<code>reparent_children</code> in "
                "<code>kernel/task.c</code>), the picture infers it.</p>\n"
                + strip_xml_decl(tree_svg))
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>mica trace: %(src)s</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; max-width: none; }
p, ul { max-width: 60em; }
.scroll { overflow-x: auto; border: 1px solid #ccc; padding: 4px; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
td:nth-child(2) { text-align: left; }
th { background: #eee; }
</style></head>
<body>
<h1>mica scheduler trace</h1>
<p>Source: <code>%(src)s</code>; %(n)d events over %(span).1f ms
(%(hz)d Hz, so one tick is %(tick)s ms), %(d)d dispatches, %(m)d messages.</p>
<p>Each row (a <em>lane</em>) is one task, labelled with its pid and name.
Time runs from left to right. A bar shows the state the task was in:
<b style="color:#2e9d4f">RUNNING</b> on the CPU,
<b style="color:#c98a00">READY</b> on a ready queue waiting for the CPU,
<b style="color:#3f7fc0">WAITING</b> blocked on an event; hatched is NEW
and grey is TERMINATED (a zombie until its parent reaps it). A small black
triangle is a <em>dispatch</em>: the scheduler gave that task the CPU, so
there is a context switch there. An arrow is a message, drawn from the
sender at the time it sent (known to the tick; the arrow starts at the
sender's last moment on the CPU in that tick) to the receiver at the time it
received. Arrows from the top strip come from the kernel (sender 0).
Hover over any bar, triangle or arrow for the exact event.</p>
<p>%(axis)s Only one lane is RUNNING at any moment: mica runs on one CPU.</p>
<div class="scroll">
%(svg)s
</div>
<h2>Summary</h2>
<p>Times in ms, from the trace (real time, whatever the axis). DISP counts
dispatches (times the task was switched in), PREEMPT the times its quantum
ran out or a better task took the CPU, BLOCK the times it waited for an
event.</p>
<table>
<tr><th>pid</th><th>name</th><th>parent</th><th>running</th><th>ready</th>
<th>waiting</th><th>new</th><th>zombie</th><th>disp</th><th>preempt</th>
<th>block</th><th>yield</th><th>sent</th><th>recv</th></tr>
%(rows)s
</table>
%(tree)s
<p>Made by <code>tools/tracevis.py</code> from the format in
<code>docs/trace-format.md</code>.</p>
</body></html>
""" % {"src": html.escape(source), "n": len(an.trace.events),
       "span": (an.end - an.start) * ms, "hz": an.hz, "tick": fmt(ms),
       "d": len(an.dispatches), "m": len(an.msgs),
       "axis": "The time axis is stretched where many events happen close "
               "together, so that a burst of switches inside one tick stays "
               "readable; the grid lines are real ticks, but lengths are "
               "to scale only between them. (Run with <code>--axis "
               "linear</code> for a picture to scale.)"
               if 'data-axis="warp"' in timeline_svg else
               "The time axis is to scale.",
       "svg": strip_xml_decl(timeline_svg), "rows": "\n".join(rows),
       "tree": tree}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", help="serial log holding a trace dump")
    ap.add_argument("-o", "--output", default=None,
                    help="write the timeline SVG here (default: LOG with .svg)")
    ap.add_argument("--html", help="write an HTML page here")
    ap.add_argument("--tree", help="write the process-tree SVG here")
    ap.add_argument("--axis", choices=("warp", "linear"), default="warp")
    ap.add_argument("--quiet", action="store_true",
                    help="do not print the summary table")
    args = ap.parse_args(argv)
    with open(args.log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        trace = read_trace(text)
    except ValueError as e:
        sys.exit("tracevis: %s: %s (boot with run=PROGRAM, or call "
                 "trace_dump)" % (args.log, e))
    an = Analysis(trace)
    out = args.output or os.path.splitext(args.log)[0] + ".svg"
    timeline = render_timeline(an, args.axis)
    with open(out, "w") as f:
        f.write(timeline)
    tree = None
    if args.tree or args.html:
        tree = render_tree(an)
    if args.tree:
        with open(args.tree, "w") as f:
            f.write(tree)
    if args.html:
        with open(args.html, "w") as f:
            f.write(render_html(an, timeline, tree, args.log))
    if not args.quiet:
        if trace.declared is not None and trace.declared != len(trace.events):
            print("tracevis: warning: TRACE-BEGIN said %d events, read %d"
                  % (trace.declared, len(trace.events)))
        print(summary_text(an))
        print("tracevis: %d tasks, %d events, %d dispatches, %d messages -> "
              "%s%s%s" % (len(an.tasks), len(trace.events),
                          len(an.dispatches), len(an.msgs), out,
                          " " + args.html if args.html else "",
                          " " + args.tree if args.tree else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
