/*
 * sched.h - the scheduler core: who is running, and switching to another.
 *
 * The core decides *when* to switch (a tick, a yield, a block, an exit);
 * the policy chosen at boot with sched=rr|prio|mlfq decides *who* runs
 * next (kernel/sched_policy.h). Everything here runs with interrupts off.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include <stdbool.h>

#include "sched_policy.h"
#include "task.h"
#include "trace.h"

extern struct task_struct *current;	  /* the task on the CPU */
extern struct task_struct *idle_task;	  /* runs when no task is ready */
extern const struct sched_policy *policy; /* chosen by sched= */
extern unsigned sched_quantum;		  /* ticks, from quantum= (ms) */

/* The calling (boot) context, on boot_stack, becomes the idle task. */
void sched_init(void *boot_stack);

/* Give the CPU to the next ready task, if any; current stays READY. */
void sched_yield(void);

/* Current has just left RUNNING (to WAITING or TERMINATED): run another. */
void schedule(void);
/* Current has just blocked: run next (a sleeper, unlinked) directly. */
void sched_switch_to_woken(struct task_struct *next);

/* t (NEW or WAITING) becomes READY; it may preempt current. */
void sched_make_ready(struct task_struct *t, enum trace_reason why);

/* The long-term scheduler: admit a NEW task, or queue it (maxready=). */
void sched_admit(struct task_struct *t);
/* Admit t at once, past the limit (a killed task must run to die). */
void sched_admit_now(struct task_struct *t);
/* A task has terminated: it no longer counts, so admit the next one. */
void sched_retire(struct task_struct *t);
unsigned sched_nr_admitted(void);
unsigned sched_nr_waiting_admission(void);

/* Timer interrupt: account the tick and maybe ask for a preemption. */
void sched_tick(bool from_user);

/* The end of every trap: switch if a preemption was asked for. */
void sched_preempt_point(void);

/* Switch policy at run time (for tests and labs); only while no task is
 * ready, since the old policy's queues cannot be handed over. -EBUSY else.
 * quantum 0 keeps the current one. */
int sched_set_policy(const struct sched_policy *p, unsigned quantum);
/* The long-term scheduler's limit (maxready=); 0 = none. */
void sched_set_max_admitted(unsigned n);
const struct sched_policy *sched_policy_by_name(const char *name);

/* Change a task's static priority (0..31); it may preempt current. */
int sched_set_priority(struct task_struct *t, int prio);

/* The one place a switch happens: a breakpoint here sees every switch. */
void context_switch(struct task_struct *prev, struct task_struct *next);
void switch_to(struct task_struct *prev, struct task_struct *next);

#endif
