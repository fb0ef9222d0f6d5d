/*
 * trace.c - record and print scheduler events (see trace.h and
 * docs/trace-format.md for the line format).
 */
#include "trace.h"
#include "time.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "x86/io.h"

struct trace_buffer trace_buf;

static const char *const trace_reason_names[TR_NR_REASONS] = {
    [TR_CREATE] = "create",	[TR_ADMIT] = "admit",
    [TR_DISPATCH] = "dispatch", [TR_PREEMPT] = "preempt",
    [TR_YIELD] = "yield",	[TR_BLOCK] = "block",
    [TR_WAKE] = "wake",		[TR_TIMEOUT] = "timeout",
    [TR_EXIT] = "exit",		[TR_REAP] = "reap",
    [TR_MSG] = "msg",		[TR_NAME] = "name",
};

const char *trace_reason_name(unsigned reason)
{
	return reason < TR_NR_REASONS ? trace_reason_names[reason] : "?";
}

/* Called with interrupts off (from task_set_state), so no lock is needed. */
void trace_record(int pid, enum task_state from, enum task_state to,
		  enum trace_reason reason)
{
	struct trace_event *e =
	    &trace_buf.ev[trace_buf.head++ & (TRACE_SIZE - 1)];
	e->tick = jiffies;
	e->tsc = rdtsc();
	e->pid = pid;
	e->from = from;
	e->to = to;
	e->reason = reason;
	e->peer = 0;
	e->sent_tick = 0;
}

void trace_record_name(int pid, int ppid, const char *name)
{
	struct trace_event *e =
	    &trace_buf.ev[trace_buf.head++ & (TRACE_SIZE - 1)];

	e->tick = jiffies;
	e->tsc = rdtsc();
	e->pid = pid;
	e->from = e->to = TASK_NEW; /* not a state change */
	e->reason = TR_NAME;
	e->peer = ppid;
	strlcpy(e->name, name, sizeof e->name);
}

void trace_record_msg(int receiver, int sender, uint32_t sent_tick)
{
	struct trace_event *e =
	    &trace_buf.ev[trace_buf.head++ & (TRACE_SIZE - 1)];

	e->tick = jiffies;
	e->tsc = rdtsc();
	e->pid = receiver;
	e->from = e->to = TASK_WAITING; /* not a state change */
	e->reason = TR_MSG;
	e->peer = sender;
	e->sent_tick = sent_tick;
}

/* Print the last n events (0 = all that are kept), oldest first. */
void trace_dump(unsigned last_n)
{
	uint32_t flags = irq_save();
	uint32_t head = trace_buf.head;
	uint32_t kept = head < TRACE_SIZE ? head : TRACE_SIZE;
	uint32_t n = last_n && last_n < kept ? last_n : kept;

	printk("TRACE-BEGIN %u %u\n", n, hz);
	for (uint32_t i = head - n; i != head; i++) {
		const struct trace_event *e =
		    &trace_buf.ev[i & (TRACE_SIZE - 1)];

		if (e->reason == TR_NAME)
			printk("TRACE %u %llu %d NAME %d %s\n", e->tick,
			       (unsigned long long)e->tsc, e->pid, e->peer,
			       e->name);
		else if (e->reason == TR_MSG)
			printk("TRACE %u %llu %d MSG %d %u\n", e->tick,
			       (unsigned long long)e->tsc, e->pid, e->peer,
			       e->sent_tick);
		else
			printk("TRACE %u %llu %d %s %s %s\n", e->tick,
			       (unsigned long long)e->tsc, e->pid,
			       task_state_name(e->from), task_state_name(e->to),
			       trace_reason_name(e->reason));
	}
	printk("TRACE-END\n");
	irq_restore(flags);
}
