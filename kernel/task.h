/*
 * task.h - the process control block: struct task_struct.
 *
 * Everything the kernel knows about a task lives here, grouped as the
 * textbook groups a PCB (chapter 3, "Process Control Block"): identity,
 * state, saved CPU context, scheduling information, memory-management
 * information, accounting, I/O and IPC status, and the family tree.
 *
 * Tasks are allocated from the kernel heap (no fixed table); the pid table
 * (kernel/pid.c) finds one by pid in O(1).
 */
#ifndef MICA_TASK_H
#define MICA_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "wait.h"

typedef int pid_t;

/* The five states of the textbook's process-state diagram. */
enum task_state {
	TASK_NEW,     /* being created; not yet admitted to the ready queue */
	TASK_READY,   /* waiting for a CPU, on a ready queue */
	TASK_RUNNING, /* on the CPU */
	TASK_WAITING, /* waiting for an event, on a wait queue */
	TASK_TERMINATED, /* finished: a zombie until its parent reaps it */
	TASK_NR_STATES
};

#define TASK_NAME_LEN 16

struct mm_struct;
struct files_struct;
struct port;
struct ipc_space;

struct task_struct {
	/* ---- CPU context ------------------------------------------------ */
	/*
	 * The saved kernel stack pointer. The program counter and the
	 * callee-saved registers of a task that is not running are pushed on
	 * its kernel stack by switch.S, so this one word finds them all. It
	 * must stay the first field: switch.S reaches it at offset 0.
	 */
	uint32_t esp;
	void *kstack; /* lowest address of the kernel stack */

	/* ---- identity ---------------------------------------------------- */
	pid_t pid;		  /* process identifier */
	char name[TASK_NAME_LEN]; /* for ps, traces and panics */

	/* ---- state ------------------------------------------------------- */
	enum task_state state;
	struct wait_queue *waiting_on; /* the queue a WAITING task sleeps on */
	struct list_head wait_link;    /* its place in that queue */
	int wake_reason;	       /* why it woke (0, or a -errno) */

	/* ---- scheduling information ------------------------------------- */
	int static_prio;	   /* 0 (highest) .. 31: set by setpriority */
	int prio;		   /* effective priority, after aging */
	unsigned time_slice;	   /* ticks left in the current quantum */
	unsigned mlfq_level;	   /* MLFQ: the queue this task belongs to */
	uint32_t mlfq_epoch;	   /* MLFQ: boost epoch of mlfq_level */
	uint32_t ready_since;	   /* tick it joined its ready queue (aging) */
	struct list_head run_list; /* its place in a ready queue */
	bool need_resched;	   /* preempt at the next return from a trap */

	/* ---- memory-management information ------------------------------ */
	struct mm_struct *mm; /* address space; NULL for kernel threads */

	/* ---- accounting -------------------------------------------------- */
	uint32_t utime, stime;	     /* ticks used in user and kernel mode */
	uint32_t start_time;	     /* tick of creation */
	uint32_t nvcsw, nivcsw;	     /* voluntary / involuntary switches */
	uint32_t cpu_limit;	     /* ticks of CPU allowed; 0 = no limit */
	uint32_t wake_tick;	     /* sleeping: the tick to wake at */
	struct list_head timer_link; /* its place on the sleep queue */

	/* ---- I/O and IPC status ------------------------------------------ */
	struct files_struct *files; /* open files (kernel/file.c) */
	struct ipc_space *ipc;	    /* its port name space (kernel/ipc) */
	struct port *kport;	    /* its Kernel port: operations on it */
	struct port *bootstrap;	    /* its bootstrap port (a send right), or
				     * NULL: inherited by its children */
	bool suspended;		    /* stopped through its Kernel port */

	/* ---- family ------------------------------------------------------ */
	struct task_struct *parent;   /* who created it (init, if orphaned) */
	struct list_head children;    /* the tasks it created */
	struct list_head sibling;     /* its place in its parent's children */
	struct wait_queue child_exit; /* where this task waits for children */
	int exit_code; /* wait status: exit code << 8, or the kill reason */
	int killed;    /* a pending kill: the reason it will die with */

	/* ---- the job queue ----------------------------------------------- */
	struct list_head tasks; /* every task, in creation order */

	/* ---- kernel thread start ----------------------------------------- */
	void (*entry)(void *arg);
	void *entry_arg;
};

#define WNOHANG 1 /* task_wait: return 0 at once if no child has exited */

/* The job queue: every task in the system (but idle), in creation order. */
extern struct list_head task_list;
extern unsigned max_tasks; /* set from memory at boot, or maxtasks= */

void tasks_init(void);
const char *task_state_name(enum task_state s);

/* The one function that changes a task's state (checks and traces it). */
void task_set_state(struct task_struct *t, enum task_state to, int why);

/* A new task in state NEW, child of current (or NULL: no memory/pids).
 * The caller sets up its stack, then hands it to sched_admit(). */
struct task_struct *task_create(const char *name);
/* Undo task_create for a task that never ran. */
void task_destroy_new(struct task_struct *t);

/* Create a kernel thread running fn(arg); NULL if out of memory/pids. */
struct task_struct *kthread_create(void (*fn)(void *), void *arg,
				   const char *name);

/* End the current task with an exit code; it stays a zombie until reaped. */
void task_exit(int code) __attribute__((noreturn));

/* Wait for a child (pid, or -1 for any) to exit and reap it. Returns its
 * pid (and exit code in *code), 0 with WNOHANG if none has exited yet,
 * -ECHILD if there is no such child. */
pid_t task_wait(pid_t pid, int *code, int options);

unsigned nr_tasks(void);

/* Ask t to die with status `reason` (it exits when it next runs). */
int task_kill(struct task_struct *t, int reason);
/* Kill t and all its descendants (cascading termination). */
int task_kill_tree(struct task_struct *t);

struct mica_task_info;
/* Copy a snapshot of up to max tasks to user memory; returns how many. */
long task_snapshot(struct mica_task_info *ubuf, unsigned max);
void task_fill_info(struct task_struct *t, struct mica_task_info *info);

#endif
