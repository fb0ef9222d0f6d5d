/*
 * wait.h - wait queues: where a task sleeps until an event happens.
 *
 * The textbook's "device queues" and every other kind of waiting (for a
 * child to exit, for a message, for a timer) are one primitive: a list of
 * WAITING tasks. sleep_on() puts the current task on a queue and runs
 * someone else; wake_up_one()/wake_up_all() make sleepers READY again.
 * A sleeping task is on no ready queue and costs the scheduler nothing.
 *
 * The usual pattern, with interrupts off so no wakeup can slip between the
 * test and the sleep:
 *
 *     uint32_t flags = irq_save();
 *     while (!condition)
 *             sleep_on(&queue);
 *     irq_restore(flags);
 */
#ifndef MICA_WAIT_H
#define MICA_WAIT_H

#include <stdint.h>

#include "lib/list.h"

struct task_struct;

struct wait_queue {
	struct list_head sleepers; /* WAITING tasks, first come first served */
	const char *name;	   /* shown by `tasks` in GDB and in ps */
};

#define WAIT_QUEUE_INIT(wq, n)                                                 \
	{                                                                      \
		LIST_HEAD_INIT((wq).sleepers), n                               \
	}

void wait_queue_init(struct wait_queue *wq, const char *name);

/* Sleep until woken; returns the waker's reason (0 = the event). */
int sleep_on(struct wait_queue *wq);

/* Sleep at most `ticks` ticks (wq may be NULL: a plain timed sleep);
 * returns -ETIMEDOUT if the time ran out first. */
int sleep_on_timeout(struct wait_queue *wq, uint32_t ticks);

/* Wake the longest sleeper / every sleeper; return how many woke. */
int wake_up_one(struct wait_queue *wq, int reason);
int wake_up_all(struct wait_queue *wq, int reason);

/* Wake one particular sleeping task, taking it off its queue and timer. */
void wake_up_task(struct task_struct *t, int reason);
/* Take it off its queue and timer but leave it WAITING (for a handoff). */
void unlink_sleeper(struct task_struct *t, int reason);
/* Sleep on wq (with a timeout if timed) and run next, an unlinked sleeper,
 * at once: a direct switch that skips the ready queue. */
int sleep_on_handoff(struct wait_queue *wq, uint32_t ticks, bool timed,
		     struct task_struct *next);

/* Sleep for ms milliseconds (at least one tick for ms > 0). */
void sleep_ms(uint32_t ms);

/* Called every tick: wake the sleepers whose time has come. */
void timers_tick(uint32_t now);
unsigned nr_sleeping_timers(void);

#endif
