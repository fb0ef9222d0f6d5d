/*
 * pid.c - the pid allocator and the pid table (see pid.h).
 *
 * pid_alloc hands out the first free pid *after the last one it gave*,
 * wrapping around at PID_MAX, as Linux does. A pid that was just freed is
 * therefore not reused at once: a trace, a ps listing or a parent still
 * holding an old pid does not mistake a new task for the one that died.
 * The search looks at 32 pids per word and skips full words, so even a
 * nearly full table is scanned in PID_MAX / 32 steps.
 */
#include <stddef.h>

#include "pid.h"
#include <mica/errno.h>

#define PID_WORDS (PID_MAX / 32)
#define FULL_WORD 0xFFFFFFFFu

/* bit set = pid taken */
static uint32_t pid_bitmap[PID_WORDS];
/* pid -> task: pid_lookup is one array access */
static struct task_struct *pid_table[PID_MAX];
/* the pid handed out last: the next search starts after it */
static pid_t last_pid;
static unsigned nr_pids;

void pid_init(void)
{
	for (unsigned i = 0; i < PID_WORDS; i++)
		pid_bitmap[i] = 0;
	for (unsigned i = 0; i < PID_MAX; i++)
		pid_table[i] = NULL;
	pid_bitmap[0] = 1; /* pid 0 is idle's: mark it taken, never free it */
	last_pid = 0;
	nr_pids = 0;
}

/* The first free pid in [from, PID_MAX), or -1 if there is none. */
static pid_t find_free_from(pid_t from)
{
	unsigned w = from / 32;
	/* Pretend the pids below `from` in its word are taken. */
	uint32_t word = pid_bitmap[w] | ((1u << (from % 32)) - 1);

	while (word == FULL_WORD) {
		if (++w == PID_WORDS)
			return -1;
		word = pid_bitmap[w];
	}
	return w * 32 + __builtin_ctz(~word);
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

/* Is pid in 1 .. PID_MAX - 1 and allocated? Safe for any int. */
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
	pid_table[pid] = NULL; /* a stale lookup finds nothing */
	nr_pids--;
}

void pid_attach(pid_t pid, struct task_struct *t)
{
	if (!pid_taken(pid)) {
		pid_bug("attaching a task to a pid that is not allocated", pid);
		return;
	}
	pid_table[pid] = t;
}

struct task_struct *pid_lookup(pid_t pid)
{
	return pid_taken(pid) ? pid_table[pid] : NULL;
}

unsigned pid_count(void)
{
	return nr_pids;
}
