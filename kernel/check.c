/*
 * check.c - the kernel's invariant checker (check.h).
 *
 * Everything runs with interrupts off, so the structures cannot change
 * under the walk, and nothing is allocated, so calling the checker never
 * changes the memory counters that leak tests compare. Each walk is
 * bounded by the number of tasks, so a corrupted (circular) list is a
 * problem reported, not a hang. Marks are kept in bitmaps indexed by pid.
 */
#include "check.h"
#include "pid.h"
#include "sched.h"
#include "task.h"
#include "wait.h"
#include "ipc/ipc.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "x86/io.h"

#define MAX_REPORTS 20 /* print at most this many problems */

static int problems;

static uint32_t on_ready[PID_MAX / 32]; /* seen on a ready queue */
static uint32_t on_wait[PID_MAX / 32];	/* seen on its wait queue */
static uint32_t as_child[PID_MAX / 32]; /* seen in a children list */

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void problem(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	if (problems++ >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	printk("check: %s\n", buf);
}

static bool pid_ok(pid_t pid)
{
	return pid > 0 && pid < PID_MAX;
}

/* Set the bit for pid; returns whether it was set already. */
static bool mark(uint32_t *map, pid_t pid)
{
	uint32_t bit = 1u << (pid % 32);
	bool was = map[pid / 32] & bit;

	map[pid / 32] |= bit;
	return was;
}

static bool marked(const uint32_t *map, pid_t pid)
{
	return map[pid / 32] & (1u << (pid % 32));
}

/* ---- the ready queues -------------------------------------------------- */

struct ready_walk {
	unsigned seen, limit;
};

static void visit_ready(struct task_struct *t, void *arg)
{
	struct ready_walk *w = arg;

	if (++w->seen > w->limit)
		return; /* reported after the walk */
	if (t == idle_task) {
		problem("the idle task is on a ready queue");
		return;
	}
	if (!pid_ok(t->pid) || pid_lookup(t->pid) != t) {
		problem("ready queue holds an unknown task %p (pid %d)", t,
			t->pid);
		return;
	}
	if (t->state != TASK_READY)
		problem("pid %d (%s) is on a ready queue but %s", t->pid,
			t->name, task_state_name(t->state));
	if (mark(on_ready, t->pid))
		problem("pid %d (%s) is on the ready queues twice", t->pid,
			t->name);
}

static unsigned check_ready(void)
{
	struct ready_walk w = {0, nr_tasks() + 1};

	policy->for_each_ready(visit_ready, &w);
	if (w.seen > w.limit)
		problem("the ready queues hold %u+ entries, more than the %u "
			"tasks (a loop?)",
			w.seen, nr_tasks());
	if (w.seen != policy->nr_ready())
		problem("policy %s: nr_ready() is %u, its queues hold %u",
			policy->name, policy->nr_ready(), w.seen);
	return w.seen;
}

/* ---- wait queues ------------------------------------------------------- */

/* Walk the wait queue whose first sleeper is first, marking each sleeper. */
static void walk_wait_queue(struct wait_queue *wq, unsigned limit)
{
	struct list_head *pos = wq->sleepers.next;
	unsigned n = 0;

	for (; pos != &wq->sleepers; pos = pos->next) {
		struct task_struct *t =
		    list_entry(pos, struct task_struct, wait_link);

		if (++n > limit) {
			problem("wait queue '%s' is longer than the task list "
				"(a loop?)",
				wq->name);
			return;
		}
		if (pos->next->prev != pos) {
			problem("wait queue '%s': broken links at pid %d",
				wq->name, t->pid);
			return;
		}
		if (!pid_ok(t->pid) || pid_lookup(t->pid) != t) {
			problem("wait queue '%s' holds an unknown task %p",
				wq->name, t);
			return;
		}
		if (t->waiting_on != wq)
			problem("pid %d is on wait queue '%s' but waits on %s",
				t->pid, wq->name,
				t->waiting_on ? t->waiting_on->name
					      : "nothing");
		if (t->state != TASK_WAITING)
			problem("pid %d is on wait queue '%s' but %s", t->pid,
				wq->name, task_state_name(t->state));
		if (mark(on_wait, t->pid))
			problem("pid %d is on wait queue '%s' twice", t->pid,
				wq->name);
	}
}

/* ---- one task ---------------------------------------------------------- */

/* The kernel's send right in t->bootstrap, and PORT_BOOTSTRAP: empty, or
 * a send right to that same port (kernel/ipc/port.c). */
static void check_bootstrap(struct task_struct *t)
{
	struct ipc_space *s = t->ipc;
	struct ipc_entry *e = ipc_lookup(s, PORT_BOOTSTRAP);

	if (t->bootstrap &&
	    (t->bootstrap->refs == 0 || t->bootstrap->srights == 0))
		problem("pid %d: its bootstrap port #%u counts no reference "
			"or send right",
			t->pid, t->bootstrap->id);
	if (e && (e->bits != RIGHT_SEND || e->object != t->bootstrap))
		problem("pid %d: name %d (rights %#x) is not a send right to "
			"its bootstrap port",
			t->pid, PORT_BOOTSTRAP, e->bits);
}

static void check_ipc(struct task_struct *t)
{
	struct ipc_space *s = t->ipc;

	if (!s)
		return;
	if (s->size > 4096 || (s->size && !s->table))
		problem("pid %d: name space of size %u", t->pid, s->size);
	if (s->refs == 0)
		problem("pid %d: its name space has no references", t->pid);
	for (unsigned n = 1; n < s->size && s->table; n++) {
		struct ipc_entry *e = &s->table[n];
		struct port *p = e->object;

		if (!e->bits)
			continue;
		if (!p) {
			problem("pid %d: name %u (rights %#x) has no object",
				t->pid, n, e->bits);
			continue;
		}
		if (e->bits & RIGHT_PORT_SET)
			continue;
		if (p->refs == 0)
			problem("pid %d: name %u points to port #%u with no "
				"references",
				t->pid, n, p->id);
		if ((e->bits & RIGHT_RECEIVE) && p->dead)
			problem("pid %d: name %u holds the receive right of "
				"dead port #%u",
				t->pid, n, p->id);
		if ((e->bits & (RIGHT_SEND | RIGHT_SEND_ONCE)) &&
		    p->srights == 0)
			problem("pid %d: name %u holds a send right to port "
				"#%u, which counts none",
				t->pid, n, p->id);
		if (!(e->bits & RIGHT_SEND) != !e->urefs)
			problem("pid %d: name %u: rights %#x but %u send "
				"references",
				t->pid, n, e->bits, e->urefs);
	}
	if (t->kport && t->state != TASK_TERMINATED &&
	    (t->kport->refs == 0 || t->kport->kobject != t))
		problem("pid %d: its Kernel port does not point back to it",
			t->pid);
	check_bootstrap(t);
}

/* Check t's children list; returns how many children it has. */
static unsigned check_children(struct task_struct *t, unsigned limit)
{
	struct task_struct *c;
	unsigned n = 0;

	list_for_each_entry (c, &t->children, sibling) {
		if (++n > limit) {
			problem("pid %d: children list longer than the task "
				"list (a loop?)",
				t->pid);
			break;
		}
		if (!pid_ok(c->pid) || pid_lookup(c->pid) != c) {
			problem("pid %d: unknown task %p among its children",
				t->pid, c);
			break;
		}
		if (c->parent != t)
			problem("pid %d is a child of pid %d, but its parent "
				"is pid %d",
				c->pid, t->pid,
				c->parent ? c->parent->pid : -1);
		if (mark(as_child, c->pid))
			problem("pid %d is in two children lists", c->pid);
	}
	return n;
}

static void check_task(struct task_struct *t, unsigned *running)
{
	if (!pid_ok(t->pid) || pid_lookup(t->pid) != t) {
		problem("pid %d (%s): pid_lookup does not find it", t->pid,
			t->name);
		return;
	}
	if (!t->parent)
		problem("pid %d (%s) has no parent", t->pid, t->name);
	switch (t->state) {
	case TASK_NEW:
		if (marked(on_ready, t->pid))
			problem("pid %d (%s) is NEW but on a ready queue",
				t->pid, t->name);
		break;
	case TASK_READY:
		if (!marked(on_ready, t->pid))
			problem("pid %d (%s) is READY but on no ready queue",
				t->pid, t->name);
		break;
	case TASK_RUNNING:
		(*running)++;
		if (t != current)
			problem("pid %d (%s) is RUNNING but not current",
				t->pid, t->name);
		break;
	case TASK_WAITING:
		if (!t->waiting_on) {
			problem("pid %d (%s) is WAITING on nothing", t->pid,
				t->name);
			break;
		}
		/* Each wait queue is walked once, by its first sleeper. */
		if (t->waiting_on->sleepers.next == &t->wait_link)
			walk_wait_queue(t->waiting_on, nr_tasks() + 1);
		break;
	case TASK_TERMINATED:
		if (t->waiting_on)
			problem("pid %d (%s) is a zombie waiting on '%s'",
				t->pid, t->name, t->waiting_on->name);
		break;
	default:
		problem("pid %d (%s) is in state %d", t->pid, t->name,
			t->state);
	}
	if (t->state != TASK_READY && t->state != TASK_NEW &&
	    !list_empty(&t->run_list))
		problem("pid %d (%s) is %s but linked on a run list", t->pid,
			t->name, task_state_name(t->state));
	check_ipc(t);
}

int kernel_check(void)
{
	uint32_t flags = irq_save();
	unsigned ntasks = 0, running = 0, children, admitted = 0;
	unsigned waiting_admission = 0, limit = nr_tasks() + 1;
	struct task_struct *t;

	problems = 0;
	memset(on_ready, 0, sizeof on_ready);
	memset(on_wait, 0, sizeof on_wait);
	memset(as_child, 0, sizeof as_child);

	check_ready();
	/* The walk order matters: wait-queue walks (from check_task) must
	 * finish before the WAITING tasks' marks are read, below. */
	list_for_each_entry (t, &task_list, tasks) {
		if (++ntasks > limit) {
			problem("the task list is longer than nr_tasks() %u "
				"(a loop?)",
				nr_tasks());
			break;
		}
		check_task(t, &running);
		if (t->state == TASK_READY || t->state == TASK_RUNNING ||
		    t->state == TASK_WAITING)
			admitted++;
		if (t->state == TASK_NEW && !list_empty(&t->run_list))
			waiting_admission++;
	}
	if (ntasks != nr_tasks())
		problem("the task list holds %u tasks, nr_tasks() says %u",
			ntasks, nr_tasks());
	if (current != idle_task && current->state != TASK_RUNNING)
		problem("current (pid %d) is %s", current->pid,
			task_state_name(current->state));
	if (running != (current == idle_task ? 0u : 1u))
		problem("%u tasks are RUNNING", running);
	if (admitted != sched_nr_admitted())
		problem("%u tasks are admitted (READY, RUNNING, WAITING), the "
			"long-term scheduler counts %u",
			admitted, sched_nr_admitted());
	if (waiting_admission != sched_nr_waiting_admission())
		problem("%u NEW tasks wait for admission, the long-term "
			"scheduler counts %u",
			waiting_admission, sched_nr_waiting_admission());

	/* Second pass: marks from the first are complete now. */
	children = check_children(idle_task, limit);
	ntasks = 0;
	list_for_each_entry (t, &task_list, tasks) {
		if (++ntasks > limit)
			break;
		children += check_children(t, limit);
		if (t->state == TASK_WAITING && t->waiting_on &&
		    !marked(on_wait, t->pid))
			problem("pid %d (%s) waits on '%s' but is not on it",
				t->pid, t->name, t->waiting_on->name);
	}
	if (children != nr_tasks())
		problem("the children lists hold %u tasks, nr_tasks() says %u",
			children, nr_tasks());
	list_for_each_entry (t, &task_list, tasks) {
		if (!marked(as_child, t->pid)) {
			problem("pid %d (%s) is in no children list", t->pid,
				t->name);
			break;
		}
	}
	if (problems > MAX_REPORTS)
		printk("check: ... %d problems in all\n", problems);
	irq_restore(flags);
	return problems;
}
