/*
 * pid.h - process identifiers: allocation with reuse, and O(1) lookup.
 *
 * A bitmap says which pids are taken; a table indexed by pid finds the
 * task. pid 0 is the idle task and is never handed out.
 */
#ifndef MICA_PID_H
#define MICA_PID_H

#include "task.h"

#define PID_MAX 32768 /* pids are 1 .. PID_MAX - 1 */

void pid_init(void);
/* The first free pid after the last one handed out (wrapping), or
 * -EAGAIN if all PID_MAX - 1 are taken. */
pid_t pid_alloc(void);
void pid_free(pid_t pid);
/* Record that allocated pid names t, for pid_lookup. */
void pid_attach(pid_t pid, struct task_struct *t);
/* The task with this pid; NULL if it is free, out of range or negative. */
struct task_struct *pid_lookup(pid_t pid);
unsigned pid_count(void); /* pids allocated now */

/* Misuse (freeing a free pid, attaching to one): the kernel panics
 * (task.c), host tests record it. */
void pid_bug(const char *why, pid_t pid);

#endif
