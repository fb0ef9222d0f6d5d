/*
 * proc.h - user processes: loading programs, fork, exec, spawn.
 *
 * A user process is a task with an address space (mm) and open files. It
 * runs in ring 3 and enters the kernel only through traps: a system call,
 * an interrupt, or a fault.
 */
#ifndef MICA_PROC_H
#define MICA_PROC_H

#include "task.h"
#include "x86/trap.h"

struct exec_args; /* argv, copied into the kernel (proc.c) */

long do_fork(struct trap_frame *tf);
long do_exec(const char *upath, char *const *uargv, struct trap_frame *tf);
long do_spawn(const char *upath, char *const *uargv);

/* Turn the calling kernel thread into the first user process. */
int proc_start_init(int argc, const char *const argv[]);

/* Last stop before ring 3 (every trap from user mode, and a new task's
 * first run): a suspended task waits here, a killed one dies here. */
void return_to_user(void);

/* Free a dying task's address space and files (from task_exit). */
void proc_release(struct task_struct *t);

/* A user task faulted: say so on the console and kill it. */
void proc_fault(struct trap_frame *tf, int reason, const char *what,
		uint32_t addr) __attribute__((noreturn));

#endif
