/*
 * test_policies.c - in-kernel tests of the three scheduling policies (rr,
 * prio, mlfq), the long-term scheduler (maxready), wait queues, timed
 * sleeps, the trace ring and the switch counters, with real kernel threads
 * and real timer ticks (HZ=100 in the test boots).
 *
 * How these tests read what happened:
 *
 *  - the trace ring (kernel/trace.h): every state change is recorded with
 *    its tick, so a test remembers trace_buf.head before it starts and
 *    afterwards reads the events of its own pids (their dispatch order,
 *    how long each run lasted, when a task woke and when it ran);
 *  - a shared log that the threads append small ids to, for orders the
 *    threads themselves observe (who woke first, who finished first).
 *
 * Each test switches to the policy it needs with sched_set_policy() while
 * it is the only task (its own task is RUNNING, none is READY), and
 * switches back to rr with the boot quantum at the end. Where the exact
 * moment of a preemption matters, the test creates its threads with
 * interrupts off, so that no tick can reorder things halfway through.
 *
 * Every test reaps all the threads it creates and checks that no memory,
 * kernel stack or task is left behind.
 */
#include "ktest.h"
#include "lib/string.h"
#include "sched.h"
#include "task.h"
#include "trace.h"
#include "time.h"
#include "wait.h"
#include "mm/memory.h"
#include "x86/io.h"
#include <mica/errno.h>

/* Read a variable another task (or an interrupt) may change under us. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/* ---- helpers ---------------------------------------------------------- */

/* What a test saves at its start, to restore and compare at its end. */
struct policy_test {
	struct mem_usage mem;
	unsigned tasks;
	unsigned quantum; /* the boot quantum, to go back to */
};

static void policy_test_begin(struct policy_test *pt,
			      const struct sched_policy *p, unsigned quantum)
{
	mem_usage(&pt->mem);
	pt->tasks = nr_tasks();
	pt->quantum = sched_quantum;
	KEXPECT_EQ(sched_set_policy(p, quantum), 0);
	KEXPECT(policy == p);
}

static void policy_test_end(struct policy_test *pt)
{
	KEXPECT_EQ(sched_set_policy(&sched_rr, pt->quantum), 0);
	KEXPECT_EQ(nr_tasks(), pt->tasks);
	KEXPECT_NO_LEAK(&pt->mem);
}

/* Has tick a been reached (or passed)? Safe across the counter's wrap. */
static bool tick_reached(uint32_t a)
{
	return !time_after(a, jiffies);
}

/* Burn CPU (no yield, no sleep) until tick `until`. */
static void spin_until(uint32_t until)
{
	while (!tick_reached(until))
		;
}

/* Create a kernel thread; a failure is a test failure, not a crash. */
static struct task_struct *spawn(void (*fn)(void *), uintptr_t arg,
				 const char *name)
{
	struct task_struct *t = kthread_create(fn, (void *)arg, name);

	KEXPECT(t != NULL);
	return t;
}

/* Reap child t (by pid); the pid is kept since t is freed. */
static void reap(pid_t pid)
{
	int code = -1;

	KEXPECT_EQ(task_wait(pid, &code, 0), pid);
	KEXPECT_EQ(code, 0);
}

/* The shared log: threads append small ids, the test reads the order. */
#define LOG_MAX 64
static volatile int log_buf[LOG_MAX];
static volatile unsigned log_len;

static void log_reset(void)
{
	log_len = 0;
}

static void log_append(int id)
{
	uint32_t flags = irq_save();

	if (log_len < LOG_MAX)
		log_buf[log_len] = id;
	log_len++; /* counts past LOG_MAX too, so an overflow shows */
	irq_restore(flags);
}

/* The trace: events recorded since `start` (a saved trace_buf.head). */
static const struct trace_event *trace_event_at(uint32_t i)
{
	return &trace_buf.ev[i & (TRACE_SIZE - 1)];
}

/* Are all events since start still in the ring? */
static bool trace_kept_since(uint32_t start)
{
	return trace_buf.head - start <= TRACE_SIZE;
}

/*
 * Index (in [from, trace_buf.head)) of the first event of pid with this
 * reason, or trace_buf.head if there is none.
 */
static uint32_t trace_find(uint32_t from, pid_t pid, enum trace_reason why)
{
	uint32_t i;

	for (i = from; i != trace_buf.head; i++) {
		const struct trace_event *e = trace_event_at(i);

		if (e->pid == pid && e->reason == why)
			break;
	}
	return i;
}

/* ---- round robin -------------------------------------------------------- */

#define RR_SPIN_TICKS 40
#define RR_QUANTUM    2

static volatile uint32_t rr_deadline;
static volatile uint32_t rr_stime[3];

/* CPU-bound: never yields or sleeps; records its CPU time at the end. */
static void rr_spinner(void *arg)
{
	unsigned i = (uintptr_t)arg;

	spin_until(rr_deadline);
	cli(); /* no tick between reading stime and exiting */
	rr_stime[i] = current->stime;
	task_exit(0);
}

KTEST(rr_interleaves_cpu_bound_threads)
{
	struct policy_test pt;
	struct task_struct *t[3];
	pid_t pid[3], seq[128];
	uint32_t start, flags, smin, smax;
	unsigned n = 0;

	policy_test_begin(&pt, &sched_rr, RR_QUANTUM);
	start = trace_buf.head;
	flags = irq_save(); /* queue all three before any of them runs */
	rr_deadline = jiffies + RR_SPIN_TICKS;
	for (unsigned i = 0; i < 3; i++) {
		rr_stime[i] = 0;
		t[i] = spawn(rr_spinner, i, "rr-spin");
		pid[i] = t[i] ? t[i]->pid : -1;
	}
	irq_restore(flags);
	for (unsigned i = 0; i < 3; i++)
		reap(pid[i]);

	/* The dispatches of the three, in trace order. */
	KEXPECT(trace_kept_since(start));
	for (uint32_t i = start; i != trace_buf.head; i++) {
		const struct trace_event *e = trace_event_at(i);

		if (e->reason != TR_DISPATCH)
			continue;
		for (unsigned k = 0; k < 3; k++)
			if (e->pid == pid[k] && n < 128)
				seq[n++] = e->pid;
	}
	/* 40 ticks in 2-tick turns: about 20 dispatches. */
	KEXPECT(n >= 3 * 3);
	if (n >= 3) {
		/* First A, B, C in creation order, then the same cycle. */
		for (unsigned i = 0; i < 3; i++)
			KEXPECT_EQ(seq[i], pid[i]);
		for (unsigned i = 3; i < n; i++)
			if (seq[i] != seq[i - 3]) {
				KEXPECT_EQ(seq[i], seq[i - 3]);
				break;
			}
	}

	/* The CPU was shared fairly: the shares differ by a quantum at most. */
	smin = smax = rr_stime[0];
	for (unsigned i = 1; i < 3; i++) {
		smin = rr_stime[i] < smin ? rr_stime[i] : smin;
		smax = rr_stime[i] > smax ? rr_stime[i] : smax;
	}
	KEXPECT(smax - smin <= RR_QUANTUM);
	KEXPECT(smin >= RR_SPIN_TICKS / 3 - RR_QUANTUM);
	policy_test_end(&pt);
}

#define YIELD_ROUNDS 10

static void yield_logger(void *arg)
{
	for (int i = 0; i < YIELD_ROUNDS; i++) {
		log_append((uintptr_t)arg);
		sched_yield();
	}
}

KTEST(rr_yield_alternates)
{
	struct policy_test pt;
	struct task_struct *a, *b;
	pid_t pa, pb;
	uint32_t flags;

	policy_test_begin(&pt, &sched_rr, 0);
	log_reset();
	flags = irq_save();
	a = spawn(yield_logger, 1, "yield-a");
	b = spawn(yield_logger, 2, "yield-b");
	pa = a ? a->pid : -1;
	pb = b ? b->pid : -1;
	irq_restore(flags);
	reap(pa);
	reap(pb);

	KEXPECT_EQ(log_len, 2 * YIELD_ROUNDS);
	for (unsigned i = 0; i < log_len && i < LOG_MAX; i++)
		if (log_buf[i] != (int)(i % 2 + 1)) {
			KEXPECT_EQ(log_buf[i], i % 2 + 1);
			break;
		}
	policy_test_end(&pt);
}

/* ---- priorities ---------------------------------------------------------- */

#define PRIO_QUANTUM	 5
#define PRIO_BURST_TICKS 3 /* < PRIO_AGE_TICKS: no aging during the test */

_Static_assert(PRIO_BURST_TICKS * 3 < PRIO_AGE_TICKS,
	       "the bursts must end before any waiter ages");

/* A short CPU burst, then log the priority it ran at and exit. */
static void prio_burst(void *arg)
{
	spin_until(jiffies + PRIO_BURST_TICKS);
	log_append((uintptr_t)arg);
}

KTEST(prio_runs_highest_first)
{
	static const int prios[3] = {20, 5, 12};
	struct policy_test pt;
	uint32_t flags;

	policy_test_begin(&pt, &sched_prio, PRIO_QUANTUM);
	log_reset();
	/*
	 * Interrupts off: a thread given priority 5 must not run (at the next
	 * tick's preemption point) before the others are queued.
	 */
	flags = irq_save();
	for (int i = 0; i < 3; i++) {
		struct task_struct *t = spawn(prio_burst, prios[i], "prio");

		if (t)
			KEXPECT_EQ(sched_set_priority(t, prios[i]), 0);
	}
	irq_restore(flags);
	for (int i = 0; i < 3; i++)
		KEXPECT(task_wait(-1, NULL, 0) > 0);

	KEXPECT_EQ(log_len, 3);
	KEXPECT_EQ(log_buf[0], 5);
	KEXPECT_EQ(log_buf[1], 12);
	KEXPECT_EQ(log_buf[2], 20);
	policy_test_end(&pt);
}

#define WAKE_QUANTUM	 20 /* long: a quantum end cannot pass for a wakeup */
#define WAKE_SLEEP_MS	 50 /* 5 ticks */
#define WAKE_LIMIT_TICKS 100

static volatile bool high_ran;
static volatile uint32_t wake_limit;
static struct wait_queue wake_wq = WAIT_QUEUE_INIT(wake_wq, "ktest");

static void low_spinner(void *arg)
{
	(void)arg;
	while (!READ_ONCE(high_ran) && !tick_reached(wake_limit))
		;
}

static void high_sleeper(void *arg)
{
	(void)arg;
	sleep_ms(WAKE_SLEEP_MS);
	high_ran = true;
}

KTEST(prio_wakeup_preempts)
{
	struct policy_test pt;
	struct task_struct *lo, *hi;
	pid_t plo, phi;
	uint32_t start, flags, iblock, iwake, idisp, ilo, ipre;

	policy_test_begin(&pt, &sched_prio, WAKE_QUANTUM);
	high_ran = false;
	start = trace_buf.head;
	flags = irq_save();
	wake_limit = jiffies + WAKE_LIMIT_TICKS;
	lo = spawn(low_spinner, 0, "low");
	hi = spawn(high_sleeper, 0, "high");
	plo = lo ? lo->pid : -1;
	phi = hi ? hi->pid : -1;
	if (lo)
		sched_set_priority(lo, 20);
	if (hi)
		sched_set_priority(hi, 2);
	/* Block at once (interrupts still off): high runs and sleeps, then
	 * low has the CPU to itself until high wakes. */
	reap(phi);
	irq_restore(flags);
	reap(plo);
	KEXPECT(high_ran);

	KEXPECT(trace_kept_since(start));
	iblock = trace_find(start, phi, TR_BLOCK);
	KEXPECT(iblock != trace_buf.head);
	iwake = trace_find(iblock, phi, TR_TIMEOUT);
	KEXPECT(iwake != trace_buf.head);
	idisp = trace_find(iwake, phi, TR_DISPATCH);
	KEXPECT(idisp != trace_buf.head);
	if (idisp == trace_buf.head)
		goto out;
	/* high ran within one tick of its wakeup... */
	KEXPECT(trace_event_at(idisp)->tick - trace_event_at(iwake)->tick <= 1);

	/* ...taking the CPU from low, which was running when high woke... */
	ilo = trace_buf.head;
	for (uint32_t i = iblock; i != iwake; i++)
		if (trace_event_at(i)->pid == plo)
			ilo = i; /* low's last event before the wakeup */
	KEXPECT(ilo != trace_buf.head);
	if (ilo == trace_buf.head)
		goto out;
	KEXPECT_EQ(trace_event_at(ilo)->reason, TR_DISPATCH);

	/* ...by a preemption between the wakeup and high's dispatch, before
	 * low's quantum was over; and nobody else ran in between. */
	ipre = trace_find(iwake, plo, TR_PREEMPT);
	KEXPECT(ipre != trace_buf.head);
	KEXPECT(ipre < idisp);
	if (ipre != trace_buf.head)
		KEXPECT(trace_event_at(ipre)->tick - trace_event_at(ilo)->tick <
			WAKE_QUANTUM);
	for (uint32_t i = iwake; i != idisp; i++)
		KEXPECT(trace_event_at(i)->reason != TR_DISPATCH);
out:
	policy_test_end(&pt);
}

static volatile bool woken_ran;

static void high_waiter(void *arg)
{
	(void)arg;
	KEXPECT_EQ(sleep_on(&wake_wq), 0);
	woken_ran = true;
}

/*
 * The same, for a wakeup that does not come from the timer: a task wakes
 * a better one (as a system call or a device interrupt would). The timer
 * tick would catch it anyway (prio_tick looks for a better ready task),
 * so look at the preemption point that ends every trap, before any tick:
 * the better task must run there and then.
 */
KTEST(prio_wakeup_by_task_preempts_at_once)
{
	struct policy_test pt;
	struct task_struct *hi;
	uint32_t flags, limit;
	bool ran_at_once;
	pid_t phi;

	policy_test_begin(&pt, &sched_prio, WAKE_QUANTUM);
	wait_queue_init(&wake_wq, "ktest");
	woken_ran = false;
	hi = spawn(high_waiter, 0, "high");
	phi = hi ? hi->pid : -1;
	if (hi)
		sched_set_priority(hi, 2); /* better than us (16) */
	limit = jiffies + 100;
	while (hi && hi->state != TASK_WAITING && !tick_reached(limit))
		sched_yield(); /* let it run and block */
	KEXPECT(hi && hi->state == TASK_WAITING);

	flags = irq_save(); /* no tick in between: only the wakeup counts */
	KEXPECT_EQ(wake_up_one(&wake_wq, 0), 1);
	sched_preempt_point(); /* the end of a trap */
	ran_at_once = woken_ran;
	irq_restore(flags);
	KEXPECT(ran_at_once);
	reap(phi);
	policy_test_end(&pt);
}

/*
 * The starvation bound of sched_prio.c for a task at priority p with n
 * tasks ready or running (itself included) and quantum q; and the least
 * it must wait while a priority-0 task is always ready.
 */
#define AGING_PRIO    31
#define AGING_N	      2 /* the hog and the starving task; init is blocked */
#define AGING_QUANTUM 5
#define AGING_BOUND                                                            \
	(AGING_PRIO * (PRIO_AGE_TICKS + AGING_N - 1) +                         \
	 (AGING_N - 1) * AGING_QUANTUM)
#define AGING_LEAST (AGING_PRIO * PRIO_AGE_TICKS)

static volatile bool starved_ran, hog_done, hog_alive_then;
static volatile uint32_t hog_limit, starved_first_tick;

static void prio_hog(void *arg)
{
	(void)arg;
	while (!READ_ONCE(starved_ran) && !tick_reached(hog_limit))
		;
	hog_done = true;
}

static void starved(void *arg)
{
	(void)arg;
	starved_first_tick = jiffies;
	hog_alive_then = !hog_done;
	starved_ran = true;
}

KTEST(prio_aging_prevents_starvation)
{
	struct policy_test pt;
	struct task_struct *x, *hog;
	pid_t px, phog;
	uint32_t start, flags, t0, idisp, waited;

	policy_test_begin(&pt, &sched_prio, AGING_QUANTUM);
	starved_ran = hog_done = hog_alive_then = false;
	start = trace_buf.head;
	flags = irq_save(); /* jiffies stands still until we block */
	t0 = jiffies;
	hog_limit = t0 + 2 * AGING_BOUND;
	x = spawn(starved, 0, "starved");
	hog = spawn(prio_hog, 0, "hog");
	px = x ? x->pid : -1;
	phog = hog ? hog->pid : -1;
	if (x)
		sched_set_priority(x, AGING_PRIO); /* joins level 31 at t0 */
	if (hog)
		sched_set_priority(hog, 0);
	/* Block with interrupts off: init is not one of the n tasks. */
	reap(px);
	irq_restore(flags);
	reap(phog);

	KEXPECT(starved_ran);
	KEXPECT(hog_alive_then); /* it got the CPU although the hog was busy */
	KEXPECT(trace_kept_since(start));
	idisp = trace_find(start, px, TR_DISPATCH);
	KEXPECT(idisp != trace_buf.head);
	if (idisp != trace_buf.head) {
		waited = trace_event_at(idisp)->tick - t0;
		KEXPECT(waited <= AGING_BOUND);
		KEXPECT(waited >= AGING_LEAST);
	}
	KEXPECT(starved_first_tick - t0 <= AGING_BOUND + 1);
	policy_test_end(&pt);
}

/* ---- MLFQ ------------------------------------------------------------------ */

#define MLFQ_QUANTUM   2 /* level i gets 2 << i ticks: 2, 4, 8, 16 */
#define MLFQ_BOTTOM    (MLFQ_LEVELS - 1)
/* CPU a task uses from level 0 to the bottom: 2 + 4 + 8 = 14 ticks. */
#define MLFQ_TO_BOTTOM (MLFQ_QUANTUM * ((1u << MLFQ_BOTTOM) - 1))
#define MLFQ_LOOK      60 /* when test 6 looks at the levels */

_Static_assert(MLFQ_TO_BOTTOM * 2 < MLFQ_LOOK && MLFQ_LOOK < MLFQ_BOOST_TICKS,
	       "look after the hog sank, before the next boost");

/*
 * Spin (as the only task) until a boost happens, and return its tick.
 * A running task's epoch is refreshed on every tick, and a boost bumps the
 * epoch, so our own mlfq_epoch changes at the boost tick. (A boost is
 * only applied on a tick that finds a task running, so sleeping would not
 * do: idle would run through it.)
 */
static uint32_t mlfq_wait_for_boost(void)
{
	uint32_t j = jiffies, limit = j + 2 * MLFQ_BOOST_TICKS + 2, epoch;

	while (jiffies == j)
		; /* one tick: our epoch is now the current one */
	epoch = READ_ONCE(current->mlfq_epoch);
	while (READ_ONCE(current->mlfq_epoch) == epoch && !tick_reached(limit))
		;
	KEXPECT(READ_ONCE(current->mlfq_epoch) != epoch); /* a boost came */
	return jiffies;
}

static volatile bool mlfq_stop;
static volatile unsigned interactive_runs;
static volatile bool hog_saw_bottom, hog_saw_reset;
static volatile uint32_t hog_bottom_tick, hog_reset_tick;

/* CPU-bound; watches its own level: bottom first, then 0 again. */
static void mlfq_hog(void *arg)
{
	(void)arg;
	while (!READ_ONCE(mlfq_stop)) {
		unsigned level = READ_ONCE(current->mlfq_level);

		if (!hog_saw_bottom && level == MLFQ_BOTTOM) {
			hog_bottom_tick = jiffies;
			hog_saw_bottom = true;
		}
		if (hog_saw_bottom && !hog_saw_reset && level == 0) {
			hog_reset_tick = jiffies;
			hog_saw_reset = true;
		}
	}
}

/* Sleeps a tick, works a little, again: never uses a whole quantum. */
static void mlfq_interactive(void *arg)
{
	(void)arg;
	while (!READ_ONCE(mlfq_stop)) {
		sleep_on_timeout(NULL, 1);
		for (volatile int i = 0; i < 1000; i++)
			;
		interactive_runs++;
	}
}

static void mlfq_reset_flags(void)
{
	mlfq_stop = false;
	interactive_runs = 0;
	hog_saw_bottom = hog_saw_reset = false;
	hog_bottom_tick = hog_reset_tick = 0;
}

/* Sleep until tick `until` (at once if it has passed). */
static void sleep_until(uint32_t until)
{
	if (time_after(until, jiffies))
		sleep_on_timeout(NULL, until - jiffies);
}

KTEST(mlfq_demotes_hog_keeps_interactive)
{
	struct policy_test pt;
	struct task_struct *hog, *inter;
	pid_t phog, pinter;
	uint32_t boost, flags;

	policy_test_begin(&pt, &sched_mlfq, MLFQ_QUANTUM);
	mlfq_reset_flags();
	boost = mlfq_wait_for_boost(); /* the next is MLFQ_BOOST_TICKS later */
	hog = spawn(mlfq_hog, 0, "hog");
	inter = spawn(mlfq_interactive, 0, "interactive");
	phog = hog ? hog->pid : -1;
	pinter = inter ? inter->pid : -1;
	sleep_until(boost + MLFQ_LOOK);

	/* We woke at level 0 and took the CPU; look before anything moves. */
	flags = irq_save();
	KEXPECT(!time_after(jiffies, boost + MLFQ_BOOST_TICKS - 1));
	if (hog && inter) {
		KEXPECT_EQ(hog->mlfq_level, MLFQ_BOTTOM);
		KEXPECT_EQ(inter->mlfq_level, 0);
		/* Both levels belong to this boost period, not an older one. */
		KEXPECT_EQ(hog->mlfq_epoch, current->mlfq_epoch);
		KEXPECT_EQ(inter->mlfq_epoch, current->mlfq_epoch);
	}
	mlfq_stop = true;
	irq_restore(flags);
	reap(phog);
	reap(pinter);
	KEXPECT(hog_saw_bottom);
	KEXPECT(interactive_runs >= MLFQ_LOOK / 4); /* it kept running */
	policy_test_end(&pt);
}

/* The length in ticks of the run of pid that starts with dispatch d. */
static uint32_t run_length(uint32_t d, pid_t pid)
{
	uint32_t p = trace_find(d + 1, pid, TR_PREEMPT);

	if (p == trace_buf.head || trace_find(d + 1, pid, TR_DISPATCH) < p)
		return (uint32_t)-1;
	return trace_event_at(p)->tick - trace_event_at(d)->tick;
}

KTEST(mlfq_boost_resets_levels)
{
	struct policy_test pt;
	struct task_struct *hog;
	pid_t phog;
	uint32_t start, boost, last_disp;
	bool bottom_run = false;

	policy_test_begin(&pt, &sched_mlfq, MLFQ_QUANTUM);
	mlfq_reset_flags();
	boost = mlfq_wait_for_boost();
	start = trace_buf.head;
	hog = spawn(mlfq_hog, 0, "hog");
	phog = hog ? hog->pid : -1;
	/* Stay out of the way: one sleep past the next boost. */
	sleep_until(boost + MLFQ_BOOST_TICKS + 40);
	mlfq_stop = true;
	reap(phog);

	/* It sank to the bottom, and the boost brought it back to level 0. */
	KEXPECT(hog_saw_bottom);
	KEXPECT(hog_saw_reset);
	KEXPECT(hog_bottom_tick - boost <= MLFQ_TO_BOTTOM + 1);
	KEXPECT(hog_reset_tick - boost >= MLFQ_BOOST_TICKS);
	KEXPECT(hog_reset_tick - boost <= MLFQ_BOOST_TICKS + 1);

	/*
	 * And it behaved so: before the boost it ran whole bottom-level
	 * quanta; the run in which it saw level 0 lasted a level-0 quantum.
	 */
	KEXPECT(trace_kept_since(start));
	last_disp = trace_buf.head;
	for (uint32_t i = start; i != trace_buf.head; i++) {
		const struct trace_event *e = trace_event_at(i);

		if (e->pid != phog || e->reason != TR_DISPATCH)
			continue;
		if (time_after(e->tick, hog_reset_tick))
			break;
		if (run_length(i, phog) == MLFQ_QUANTUM << MLFQ_BOTTOM)
			bottom_run = true;
		last_disp = i;
	}
	KEXPECT(bottom_run);
	KEXPECT(last_disp != trace_buf.head);
	if (last_disp != trace_buf.head)
		KEXPECT_EQ(run_length(last_disp, phog), MLFQ_QUANTUM);
	policy_test_end(&pt);
}

/* ---- the long-term scheduler ---------------------------------------------- */

static volatile unsigned admitted_seen_max;

static void admitted_worker(void *arg)
{
	unsigned n = sched_nr_admitted();

	if (n > admitted_seen_max)
		admitted_seen_max = n;
	sleep_on_timeout(NULL, 2); /* stay admitted while others could come */
	n = sched_nr_admitted();
	if (n > admitted_seen_max)
		admitted_seen_max = n;
	log_append((uintptr_t)arg);
}

KTEST(maxready_limits_admission)
{
	struct policy_test pt;
	struct task_struct *t[3];
	pid_t pid[3];
	unsigned limit;
	uint32_t flags;

	policy_test_begin(&pt, &sched_rr, 0);
	log_reset();
	admitted_seen_max = 0;
	KEXPECT_EQ(sched_nr_waiting_admission(), 0);
	limit = sched_nr_admitted() + 1; /* init and one thread */
	sched_set_max_admitted(limit);

	flags = irq_save(); /* look before the first one can finish */
	for (int i = 0; i < 3; i++) {
		t[i] = spawn(admitted_worker, i + 1, "admit");
		pid[i] = t[i] ? t[i]->pid : -1;
	}
	KEXPECT_EQ(sched_nr_admitted(), limit);
	KEXPECT_EQ(sched_nr_waiting_admission(), 2);
	if (t[0] && t[1] && t[2]) {
		KEXPECT_EQ(t[0]->state, TASK_READY);
		KEXPECT_EQ(t[1]->state, TASK_NEW);
		KEXPECT_EQ(t[2]->state, TASK_NEW);
	}
	irq_restore(flags);
	for (int i = 0; i < 3; i++)
		reap(pid[i]);
	sched_set_max_admitted(0);

	/* All ran, one at a time, in the order they were created. */
	KEXPECT_EQ(log_len, 3);
	for (int i = 0; i < 3; i++)
		KEXPECT_EQ(log_buf[i], i + 1);
	KEXPECT(admitted_seen_max >= 1);
	KEXPECT(admitted_seen_max <= limit);
	KEXPECT_EQ(sched_nr_waiting_admission(), 0);
	KEXPECT_EQ(sched_nr_admitted(), limit - 1);
	policy_test_end(&pt);
}

/* ---- wait queues and timed sleeps ------------------------------------------ */

static struct wait_queue test_wq = WAIT_QUEUE_INIT(test_wq, "ktest");

static void wq_sleeper(void *arg)
{
	uint32_t flags = irq_save();
	int r = sleep_on(&test_wq);

	irq_restore(flags);
	KEXPECT_EQ(r, 0);
	log_append((uintptr_t)arg);
}

/* Let others run until t is WAITING (or a second has passed). */
static void run_until_waiting(struct task_struct *t)
{
	uint32_t limit = jiffies + 100;

	while (t->state != TASK_WAITING && !tick_reached(limit))
		sched_yield();
	KEXPECT_EQ(t->state, TASK_WAITING);
	KEXPECT(t->waiting_on == &test_wq);
}

/* Let others run until the log has n entries (or a second has passed). */
static void run_until_logged(unsigned n)
{
	uint32_t limit = jiffies + 100;

	while (READ_ONCE(log_len) < n && !tick_reached(limit))
		sched_yield();
}

KTEST(wait_queue_wakes_in_fifo_order)
{
	struct policy_test pt;
	pid_t pid[3];

	policy_test_begin(&pt, &sched_rr, 0);
	log_reset();
	wait_queue_init(&test_wq, "ktest");
	for (int i = 0; i < 3; i++) {
		struct task_struct *t = spawn(wq_sleeper, i + 1, "wq");

		pid[i] = t ? t->pid : -1;
		if (t)
			run_until_waiting(t);
	}
	KEXPECT_EQ(log_len, 0);
	/* Each wake_up_one wakes the longest sleeper, which then logs. */
	for (unsigned i = 0; i < 3; i++) {
		KEXPECT_EQ(wake_up_one(&test_wq, 0), 1);
		run_until_logged(i + 1);
		KEXPECT_EQ(log_len, i + 1);
		KEXPECT_EQ(log_buf[i], i + 1);
	}
	KEXPECT_EQ(wake_up_all(&test_wq, 0), 0);
	KEXPECT_EQ(wake_up_one(&test_wq, 0), 0);
	for (int i = 0; i < 3; i++)
		reap(pid[i]);
	policy_test_end(&pt);
}

#define TIMEOUT_TICKS 5
#define WAKER_TICKS   2

static void waker(void *arg)
{
	(void)arg;
	sleep_on_timeout(NULL, WAKER_TICKS);
	KEXPECT_EQ(wake_up_one(&test_wq, 0), 1);
}

KTEST(sleep_timeout_vs_wakeup)
{
	struct policy_test pt;
	struct task_struct *w;
	unsigned timers = nr_sleeping_timers();
	uint32_t start, slept;
	pid_t pw;
	int r;

	policy_test_begin(&pt, &sched_rr, 0);
	wait_queue_init(&test_wq, "ktest");

	/* Nobody wakes us: the time runs out. */
	start = jiffies;
	r = sleep_on_timeout(&test_wq, TIMEOUT_TICKS);
	slept = jiffies - start;
	KEXPECT_EQ(r, -ETIMEDOUT);
	KEXPECT(slept >= TIMEOUT_TICKS);
	KEXPECT(slept <= TIMEOUT_TICKS + 1);
	KEXPECT_EQ(nr_sleeping_timers(), timers);

	/* Somebody wakes us first: 0, early, and the timer is gone. */
	w = spawn(waker, 0, "waker");
	pw = w ? w->pid : -1;
	start = jiffies;
	r = sleep_on_timeout(&test_wq, TIMEOUT_TICKS);
	slept = jiffies - start;
	KEXPECT_EQ(r, 0);
	KEXPECT(slept >= WAKER_TICKS);
	KEXPECT(slept <= WAKER_TICKS + 1);
	KEXPECT_EQ(nr_sleeping_timers(), timers);
	reap(pw);

	/* The cancelled timer does not cut a later sleep short. */
	start = jiffies;
	r = sleep_on_timeout(&test_wq, 2 * TIMEOUT_TICKS);
	slept = jiffies - start;
	KEXPECT_EQ(r, -ETIMEDOUT);
	KEXPECT(slept >= 2 * TIMEOUT_TICKS);
	KEXPECT_EQ(nr_sleeping_timers(), timers);
	policy_test_end(&pt);
}

/* ---- the trace and the counters ---------------------------------------- */

static void do_nothing(void *arg)
{
	(void)arg;
}

KTEST(trace_records_life_cycle)
{
	static const struct {
		enum trace_reason why;
		enum task_state from, to;
	} want[] = {
	    {TR_CREATE, TASK_NEW, TASK_NEW},
	    {TR_ADMIT, TASK_NEW, TASK_READY},
	    {TR_DISPATCH, TASK_READY, TASK_RUNNING},
	    {TR_EXIT, TASK_RUNNING, TASK_TERMINATED},
	    {TR_REAP, TASK_TERMINATED, TASK_TERMINATED},
	};
	struct policy_test pt;
	struct task_struct *t;
	uint32_t start;
	unsigned n = 0, names = 0;
	pid_t pid;

	policy_test_begin(&pt, &sched_rr, 0);
	start = trace_buf.head;
	t = spawn(do_nothing, 0, "traced");
	pid = t ? t->pid : -1;
	reap(pid);

	KEXPECT(trace_kept_since(start));
	for (uint32_t i = start; i != trace_buf.head; i++) {
		const struct trace_event *e = trace_event_at(i);

		if (e->pid != pid)
			continue;
		if (e->reason == TR_NAME) { /* its name and parent, once */
			KEXPECT_EQ(strcmp(e->name, "traced"), 0);
			KEXPECT_EQ(e->peer, current->pid);
			names++;
			continue;
		}
		if (n < sizeof want / sizeof *want) {
			KEXPECT_EQ(e->reason, want[n].why);
			KEXPECT_EQ(e->from, want[n].from);
			KEXPECT_EQ(e->to, want[n].to);
		}
		n++;
	}
	KEXPECT_EQ(n, sizeof want / sizeof *want);
	KEXPECT_EQ(names, 1);
	policy_test_end(&pt);
}

#define NR_YIELDS 10

static volatile uint32_t yielder_nvcsw, yielder_nivcsw;

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < NR_YIELDS; i++)
		sched_yield();
	cli(); /* read both counters with nothing switching in between */
	yielder_nvcsw = current->nvcsw;
	yielder_nivcsw = current->nivcsw;
	task_exit(0);
}

KTEST(context_switch_counts)
{
	struct policy_test pt;
	struct task_struct *t;
	uint32_t start;
	unsigned yields = 0;
	pid_t pid;

	policy_test_begin(&pt, &sched_rr, 0);
	yielder_nvcsw = yielder_nivcsw = 0;
	start = trace_buf.head;
	t = spawn(yielder, 0, "yielder");
	pid = t ? t->pid : -1;
	reap(pid);

	KEXPECT(yielder_nvcsw >= NR_YIELDS);
	KEXPECT(trace_kept_since(start));
	for (uint32_t i = start; i != trace_buf.head; i++)
		if (trace_event_at(i)->pid == pid &&
		    trace_event_at(i)->reason == TR_YIELD)
			yields++;
	KEXPECT_EQ(yields, NR_YIELDS);
	/* Every voluntary switch was counted as one, none as involuntary:
	 * a yielding thread never runs a quantum out. */
	KEXPECT_EQ(yielder_nvcsw, NR_YIELDS);
	KEXPECT_EQ(yielder_nivcsw, 0);
	policy_test_end(&pt);
}
