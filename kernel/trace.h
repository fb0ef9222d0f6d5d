/*
 * trace.h - a ring buffer of scheduler events.
 *
 * Every state change (task_set_state) records one event: when (tick and
 * TSC), which task, from which state to which, and why. The buffer keeps
 * the last TRACE_SIZE events; trace_dump() prints them on the console in
 * the line format of docs/trace-format.md, which the GDB `trace` command
 * and the trace visualiser read.
 */
#ifndef MICA_TRACE_H
#define MICA_TRACE_H

#include <stdint.h>

#include "task.h"

#define TRACE_SIZE 4096 /* a power of two, so the index wraps with a mask */

/* Why a state changed. Keep trace_reason_names[] (trace.c) in step. */
enum trace_reason {
	TR_CREATE,   /* -> NEW: the task was created */
	TR_ADMIT,    /* NEW -> READY: the long-term scheduler admitted it */
	TR_DISPATCH, /* READY -> RUNNING: the short-term scheduler chose it */
	TR_PREEMPT,  /* RUNNING -> READY: quantum over or a better task ready */
	TR_YIELD,    /* RUNNING -> READY: it gave up the CPU itself */
	TR_BLOCK,    /* RUNNING -> WAITING: it waits for an event */
	TR_WAKE,     /* WAITING -> READY: the event happened */
	TR_TIMEOUT,  /* WAITING -> READY: it stopped waiting, time ran out */
	TR_EXIT,     /* RUNNING -> TERMINATED: it finished (zombie) */
	TR_REAP,     /* a zombie was reaped by its parent: gone */
	TR_MSG,	 /* not a state change: a message was received (peer sent it) */
	TR_NAME, /* not a state change: the task's name and parent (peer) */
	TR_NR_REASONS
};

struct trace_event {
	uint32_t tick;
	uint64_t tsc; /* time stamp counter: finer than ticks */
	int32_t pid;
	uint8_t from, to; /* enum task_state */
	uint8_t reason;	  /* enum trace_reason */
	uint8_t pad;
	int32_t peer;	    /* TR_MSG: the sender's pid (0: the kernel) */
	uint32_t sent_tick; /* TR_MSG: when it was sent */
	char name[16];	    /* TR_NAME: the task's name */
};

struct trace_buffer {
	uint32_t head; /* events ever recorded; the next goes at head % SIZE */
	struct trace_event ev[TRACE_SIZE];
};

extern struct trace_buffer trace_buf;

void trace_record(int pid, enum task_state from, enum task_state to,
		  enum trace_reason reason);
/* A message from sender, sent at sent_tick, reached receiver now. */
void trace_record_msg(int receiver, int sender, uint32_t sent_tick);
/* t has a (new) name: at creation, and at exec. */
void trace_record_name(int pid, int ppid, const char *name);
const char *trace_reason_name(unsigned reason);
void trace_dump(unsigned last_n);

#endif
