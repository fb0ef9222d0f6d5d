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
pid_t pid_alloc(void); /* a free pid, or -EAGAIN */
void pid_free(pid_t pid);
void pid_attach(pid_t pid, struct task_struct *t);
struct task_struct *pid_lookup(pid_t pid); /* NULL if no such task */
unsigned pid_count(void);

/* Misuse (freeing a free pid): the kernel panics, host tests record. */
void pid_bug(const char *why, pid_t pid);

#endif
