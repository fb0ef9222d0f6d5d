/*
 * pid.c - the pid allocator and the pid table (see pid.h).
 *
 * pid_alloc hands out the first free pid *after the last one it gave*,
 * wrapping around at PID_MAX, as Linux does: a pid that was just freed is
 * not reused at once, so a trace or a ps listing does not confuse an old
 * task with a new one. The search skips 32 taken pids at a time.
 */
#include "pid.h"
#include <mica/errno.h>

#define WORDS (PID_MAX / 32)

static uint32_t pid_bitmap[WORDS]; /* bit set = pid taken */
static struct task_struct *pid_table[PID_MAX];
static pid_t last_pid;
static unsigned nr_pids;

void pid_init(void)
{
	for (unsigned i = 0; i < WORDS; i++)
		pid_bitmap[i] = 0;
	for (unsigned i = 0; i < PID_MAX; i++)
		pid_table[i] = 0;
	pid_bitmap[0] = 1; /* pid 0: the idle task */
	last_pid = 0;
	nr_pids = 0;
}

/* The first free pid in [from, PID_MAX), or -1. */
static pid_t find_free_from(pid_t from)
{
	unsigned w = from / 32;
	uint32_t word = pid_bitmap[w] | ((1u << (from % 32)) - 1);

	for (;;) {
		if (word != 0xFFFFFFFFu)
			return w * 32 + __builtin_ctz(~word);
		if (++w == WORDS)
			return -1;
		word = pid_bitmap[w];
	}
}

pid_t pid_alloc(void)
{
	pid_t pid = -1;

	if (last_pid + 1 < PID_MAX)
		pid = find_free_from(last_pid + 1);
	if (pid < 0)
		pid = find_free_from(1); /* wrap around */
	if (pid < 0)
		return -EAGAIN;
	pid_bitmap[pid / 32] |= 1u << (pid % 32);
	last_pid = pid;
	nr_pids++;
	return pid;
}

static bool pid_taken(pid_t pid)
{
	return pid > 0 && pid < PID_MAX &&
	       (pid_bitmap[pid / 32] & (1u << (pid % 32)));
}

void pid_free(pid_t pid)
{
	if (!pid_taken(pid)) {
		pid_bug("freeing a pid that is not allocated", pid);
		return;
	}
	pid_bitmap[pid / 32] &= ~(1u << (pid % 32));
	pid_table[pid] = 0;
	nr_pids--;
}

void pid_attach(pid_t pid, struct task_struct *t)
{
	if (pid_taken(pid))
		pid_table[pid] = t;
}

struct task_struct *pid_lookup(pid_t pid)
{
	return pid_taken(pid) ? pid_table[pid] : 0;
}

unsigned pid_count(void)
{
	return nr_pids;
}
