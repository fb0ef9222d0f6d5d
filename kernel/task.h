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

typedef int pid_t;

/* The five states of the textbook's process-state diagram. */
enum task_state {
	TASK_NEW,        /* being created; not yet admitted to the ready queue */
	TASK_READY,      /* waiting for a CPU, on a ready queue */
	TASK_RUNNING,    /* on the CPU */
	TASK_WAITING,    /* waiting for an event, on a wait queue */
	TASK_TERMINATED, /* finished: a zombie until its parent reaps it */
	TASK_NR_STATES
};

#define TASK_NAME_LEN 16

struct wait_queue;
struct mm_struct;
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
	pid_t pid;                /* process identifier */
	char name[TASK_NAME_LEN]; /* for ps, traces and panics */

	/* ---- state ------------------------------------------------------- */
	enum task_state state;
	struct wait_queue *waiting_on; /* the queue a WAITING task sleeps on */
	struct list_head wait_link;    /* its place in that queue */
	int wake_reason;               /* why it woke (0, or a -errno) */

	/* ---- scheduling information ------------------------------------- */
	int static_prio;          /* 0 (highest) .. 31: set by setpriority */
	int prio;                 /* effective priority, after aging */
	unsigned time_slice;      /* ticks left in the current quantum */
	unsigned mlfq_level;      /* MLFQ: the queue this task belongs to */
	uint32_t mlfq_epoch;      /* MLFQ: boost epoch of mlfq_level */
	uint32_t ready_since;     /* tick it joined its ready queue (aging) */
	struct list_head run_list; /* its place in a ready queue */
	bool need_resched;        /* preempt at the next return from a trap */

	/* ---- memory-management information ------------------------------ */
	struct mm_struct *mm; /* address space; NULL for kernel threads */

	/* ---- accounting -------------------------------------------------- */
	uint32_t utime, stime;     /* ticks used in user and kernel mode */
	uint32_t start_time;       /* tick of creation */
	uint32_t nvcsw, nivcsw;    /* voluntary / involuntary switches */
	uint32_t cpu_limit;        /* ticks of CPU allowed; 0 = no limit */
	uint32_t wake_tick;        /* sleeping: the tick to wake at */
	struct list_head timer_link; /* its place on the sleep queue */

	/* ---- I/O and IPC status ------------------------------------------ */
	struct ipc_space *ipc; /* the port name space (ports issue) */

	/* ---- family ------------------------------------------------------ */
	struct task_struct *parent; /* who created it (init, if orphaned) */
	struct list_head children;  /* the tasks it created */
	struct list_head sibling;   /* its place in its parent's children */
	struct wait_queue *child_exit; /* where the parent waits in wait() */
	int exit_code;

	/* ---- the job queue ----------------------------------------------- */
	struct list_head tasks; /* every task in the system, in pid order */

	/* ---- kernel thread start ----------------------------------------- */
	void (*entry)(void *arg);
	void *entry_arg;
};

const char *task_state_name(enum task_state s);

#endif
