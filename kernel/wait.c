/*
 * wait.c - wait queues and timed sleeps (see wait.h).
 *
 * A sleeping task may be on two lists at once: the wait queue of the event
 * it waits for, and the timer list if it gave a timeout. Whichever comes
 * first, the event or the time, wakes it and takes it off both.
 *
 * The timer list is kept sorted by wake-up tick, so each tick only looks
 * at its head: a tick costs nothing for tasks whose time has not come.
 */
#include "wait.h"
#include "sched.h"
#include "time.h"
#include "panic.h"
#include "x86/io.h"
#include <mica/errno.h>

static LIST_HEAD(timer_list);
static unsigned nr_timers;
static struct wait_queue sleep_queue = WAIT_QUEUE_INIT(sleep_queue, "sleep");

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	INIT_LIST_HEAD(&wq->sleepers);
	wq->name = name;
}

/* Insert t in wake-tick order; new timers usually go last, so walk back. */
static void timer_add(struct task_struct *t, uint32_t ticks)
{
	struct list_head *pos = timer_list.prev;

	t->wake_tick = jiffies + ticks;
	while (pos != &timer_list) {
		struct task_struct *o =
		    list_entry(pos, struct task_struct, timer_link);

		if (!time_after(o->wake_tick, t->wake_tick))
			break;
		pos = pos->prev;
	}
	list_add(&t->timer_link, pos);
	nr_timers++;
}

/* Take t off its wait queue and timer, and make it READY. */
/* Take a sleeper off its wait queue and its timer (it stays WAITING). */
void unlink_sleeper(struct task_struct *t, int reason)
{
	if (t->waiting_on) {
		list_del_init(&t->wait_link);
		t->waiting_on = NULL;
	}
	if (!list_empty(&t->timer_link)) {
		list_del_init(&t->timer_link);
		nr_timers--;
	}
	t->wake_reason = reason;
}

void wake_up_task(struct task_struct *t, int reason)
{
	unlink_sleeper(t, reason);
	sched_make_ready(t, reason == -ETIMEDOUT ? TR_TIMEOUT : TR_WAKE);
}

/*
 * Sleep, and hand the CPU straight to `next` (a sleeper already unlinked
 * with unlink_sleeper) instead of asking the scheduler: the IPC fast path
 * (kernel/ipc/msg.c). next == NULL is an ordinary sleep.
 */
static int sleep_common_to(struct wait_queue *wq, uint32_t ticks, bool timed,
			   struct task_struct *next)
{
	uint32_t flags = irq_save();
	struct task_struct *t = current;

	assert(t != idle_task); /* idle must always be able to run */
	if (t->killed) {
		if (next) /* do not strand the task we were handing over to */
			sched_make_ready(next, TR_WAKE);
		irq_restore(flags);
		return -EINTR; /* a killed task does not start a new wait */
	}
	t->wake_reason = 0;
	t->waiting_on = wq;
	list_add_tail(&t->wait_link, &wq->sleepers);
	if (timed)
		timer_add(t, ticks);
	task_set_state(t, TASK_WAITING, TR_BLOCK);
	if (next)
		sched_switch_to_woken(next);
	else
		schedule();
	irq_restore(flags);
	return t->wake_reason;
}

static int sleep_common(struct wait_queue *wq, uint32_t ticks, bool timed)
{
	return sleep_common_to(wq, ticks, timed, NULL);
}

int sleep_on_handoff(struct wait_queue *wq, uint32_t ticks, bool timed,
		     struct task_struct *next)
{
	return sleep_common_to(wq, ticks, timed, next);
}

int sleep_on(struct wait_queue *wq)
{
	return sleep_common(wq, 0, false);
}

int sleep_on_timeout(struct wait_queue *wq, uint32_t ticks)
{
	return sleep_common(wq ? wq : &sleep_queue, ticks, true);
}

int wake_up_one(struct wait_queue *wq, int reason)
{
	uint32_t flags = irq_save();
	int n = 0;

	if (!list_empty(&wq->sleepers)) {
		wake_up_task(list_first_entry(&wq->sleepers, struct task_struct,
					      wait_link),
			     reason);
		n = 1;
	}
	irq_restore(flags);
	return n;
}

int wake_up_all(struct wait_queue *wq, int reason)
{
	uint32_t flags = irq_save();
	int n = 0;

	while (!list_empty(&wq->sleepers)) {
		wake_up_task(list_first_entry(&wq->sleepers, struct task_struct,
					      wait_link),
			     reason);
		n++;
	}
	irq_restore(flags);
	return n;
}

void sleep_ms(uint32_t ms)
{
	uint32_t ticks = ms_to_ticks(ms);

	if (ticks)
		sleep_on_timeout(NULL, ticks);
}

/* From the timer interrupt: wake every sleeper whose tick has come. */
void timers_tick(uint32_t now)
{
	while (!list_empty(&timer_list)) {
		struct task_struct *t = list_first_entry(
		    &timer_list, struct task_struct, timer_link);

		if (time_after(t->wake_tick, now))
			break;
		wake_up_task(t, -ETIMEDOUT);
	}
}

unsigned nr_sleeping_timers(void)
{
	return nr_timers;
}
