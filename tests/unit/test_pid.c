/* test_pid.c - host tests for the pid allocator and table (pid.c). */
#include <limits.h>
#include <string.h>

#include "unit.h"
#include "pid.h"
#include <mica/errno.h>

/* The kernel panics in pid_bug; here we record the calls. */
static unsigned bug_calls;
static pid_t bug_pid;

void pid_bug(const char *why, pid_t pid)
{
	(void)why;
	bug_calls++;
	bug_pid = pid;
}

static void reset(void)
{
	pid_init();
	bug_calls = 0;
	bug_pid = 0;
}

/* Allocate every pid: they come out as 1, 2, ..., PID_MAX - 1. */
static bool alloc_all(void)
{
	for (pid_t want = 1; want < PID_MAX; want++)
		if (pid_alloc() != want)
			return false;
	return true;
}

UNIT_TEST(pid_first_is_1)
{
	reset();
	CHECK_EQ(pid_count(), 0);
	CHECK_EQ(pid_alloc(), 1);
	CHECK_EQ(pid_count(), 1);
	CHECK_EQ(pid_alloc(), 2);
	CHECK_EQ(pid_count(), 2);
}

UNIT_TEST(pid_next_fit_after_last)
{
	reset();
	CHECK_EQ(pid_alloc(), 1);
	CHECK_EQ(pid_alloc(), 2);
	CHECK_EQ(pid_alloc(), 3);
	pid_free(2);
	CHECK_EQ(pid_alloc(), 4); /* not 2: not reused at once */
	pid_free(1);
	pid_free(4);
	CHECK_EQ(pid_alloc(), 5);
	CHECK_EQ(pid_count(), 2); /* 3 and 5 */
	CHECK_EQ(bug_calls, 0);
}

/* Crossing 32-bit word boundaries must not skip or repeat pids. */
UNIT_TEST(pid_word_boundaries)
{
	reset();
	for (pid_t want = 1; want <= 100; want++)
		CHECK_EQ(pid_alloc(), want);
	pid_free(31);
	pid_free(32);
	pid_free(64);
	CHECK_EQ(pid_alloc(), 101);
	CHECK_EQ(pid_count(), 98);
}

UNIT_TEST(pid_wraps_around_skipping_used)
{
	reset();
	CHECK(alloc_all());
	/* Keep 1, 2, 4 and 40..PID_MAX-1 except 1000; free the rest. */
	pid_free(3);
	for (pid_t p = 5; p < 40; p++)
		pid_free(p);
	pid_free(1000);
	CHECK_EQ(pid_count(), PID_MAX - 1 - 1 - 35 - 1);
	/* The last pid handed out was PID_MAX - 1: wrap to the lowest free. */
	CHECK_EQ(pid_alloc(), 3);
	CHECK_EQ(pid_alloc(), 5); /* 4 is in use */
	for (pid_t p = 6; p < 40; p++)
		CHECK_EQ(pid_alloc(), p);
	CHECK_EQ(pid_alloc(), 1000); /* skips the full words in between */
	CHECK_EQ(pid_alloc(), -EAGAIN);
	CHECK_EQ(pid_count(), PID_MAX - 1);
}

UNIT_TEST(pid_exhaustion_then_reuse)
{
	reset();
	CHECK(alloc_all());
	CHECK_EQ(pid_count(), PID_MAX - 1);
	CHECK_EQ(pid_alloc(), -EAGAIN);
	CHECK_EQ(pid_alloc(), -EAGAIN);
	CHECK_EQ(pid_count(), PID_MAX - 1);
	pid_free(12345);
	CHECK_EQ(pid_count(), PID_MAX - 2);
	CHECK_EQ(pid_alloc(), 12345); /* the only free one */
	CHECK_EQ(pid_alloc(), -EAGAIN);
	pid_free(PID_MAX - 1); /* the very last pid, too */
	CHECK_EQ(pid_alloc(), PID_MAX - 1);
	CHECK_EQ(bug_calls, 0);
}

UNIT_TEST(pid_lookup_table)
{
	struct task_struct a, b;
	pid_t pa, pb;

	reset();
	pa = pid_alloc();
	pb = pid_alloc();
	CHECK(pid_lookup(pa) == NULL); /* allocated but not attached yet */
	pid_attach(pa, &a);
	pid_attach(pb, &b);
	CHECK(pid_lookup(pa) == &a);
	CHECK(pid_lookup(pb) == &b);
	CHECK(pid_lookup(3) == NULL); /* free */
	CHECK(pid_lookup(0) == NULL); /* idle is not in the table */
	CHECK(pid_lookup(-1) == NULL);
	CHECK(pid_lookup(INT_MIN) == NULL);
	CHECK(pid_lookup(PID_MAX) == NULL);
	CHECK(pid_lookup(INT_MAX) == NULL);
	pid_free(pa);
	CHECK(pid_lookup(pa) == NULL);
	CHECK(pid_lookup(pb) == &b);
	CHECK_EQ(bug_calls, 0);
}

/* A freed pid handed out again must not find its old task. */
UNIT_TEST(pid_reused_pid_forgets_old_task)
{
	struct task_struct a;

	reset();
	CHECK(alloc_all());
	pid_attach(77, &a);
	pid_free(77);
	CHECK_EQ(pid_alloc(), 77);
	CHECK(pid_lookup(77) == NULL);
}

UNIT_TEST(pid_misuse_reported)
{
	struct task_struct a;
	pid_t p;

	reset();
	p = pid_alloc();
	pid_free(p);
	CHECK_EQ(bug_calls, 0);
	pid_free(p); /* double free */
	CHECK_EQ(bug_calls, 1);
	CHECK_EQ(bug_pid, p);
	CHECK_EQ(pid_count(), 0); /* not decremented below 0 */
	pid_free(0);		  /* idle's pid is never freed */
	CHECK_EQ(bug_calls, 2);
	pid_free(-5);
	pid_free(PID_MAX);
	CHECK_EQ(bug_calls, 4);
	CHECK_EQ(bug_pid, PID_MAX);
	pid_attach(9, &a); /* never allocated */
	CHECK_EQ(bug_calls, 5);
	CHECK(pid_lookup(9) == NULL);
	CHECK_EQ(pid_alloc(), 2); /* the allocator is unharmed */
	CHECK_EQ(pid_count(), 1);
}

UNIT_TEST(pid_count_exact)
{
	reset();
	for (int i = 0; i < 500; i++)
		pid_alloc();
	CHECK_EQ(pid_count(), 500);
	for (pid_t p = 1; p <= 500; p += 2)
		pid_free(p);
	CHECK_EQ(pid_count(), 250);
	for (int i = 0; i < 10; i++)
		pid_alloc();
	CHECK_EQ(pid_count(), 260);
	pid_init(); /* init forgets everything */
	CHECK_EQ(pid_count(), 0);
	CHECK_EQ(pid_alloc(), 1);
}
