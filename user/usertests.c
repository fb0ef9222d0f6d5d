/*
 * usertests.c - one named test per behaviour of the process layer.
 *
 *     usertests list        print the test names ("utest-list: <name>")
 *     usertests NAME...     run those tests
 *     usertests all         run every test
 *
 * Each test prints "utest: <name>: PASS" or "utest: <name>: FAIL (why)";
 * tools/runtests.py boots mica once per test with utest=<name>, and init
 * powers off with usertests' exit status. Tests that create tasks check
 * that free frames, heap bytes and tasks come back to their baseline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mica/syscall.h>

static const char *test_name;
static int failures;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			fail(__LINE__, #cond);                                 \
	} while (0)

#define EXPECT_EQ(a, b)                                                        \
	do {                                                                   \
		long ut_a_ = (long)(a), ut_b_ = (long)(b);                     \
		if (ut_a_ != ut_b_)                                            \
			fail_eq(__LINE__, #a, ut_a_, ut_b_);                   \
	} while (0)

static void fail(int line, const char *what)
{
	printf("utest: %s: check failed at line %d: %s\n", test_name, line,
	       what);
	failures++;
}

static void fail_eq(int line, const char *what, long got, long want)
{
	printf("utest: %s: check failed at line %d: %s = %ld, expected %ld\n",
	       test_name, line, what, got, want);
	failures++;
}

/* ---- helpers --------------------------------------------------------- */

static struct mica_memstat baseline;

static void take_baseline(void)
{
	memstat(&baseline);
}

/* Frames, heap and tasks back where they were (after children are reaped). */
static void expect_no_leak(int line)
{
	struct mica_memstat now;

	memstat(&now);
	if (now.free_frames != baseline.free_frames)
		fail_eq(line, "free frames", now.free_frames,
			baseline.free_frames);
	if (now.heap_bytes != baseline.heap_bytes)
		fail_eq(line, "heap bytes", now.heap_bytes,
			baseline.heap_bytes);
	if (now.tasks != baseline.tasks)
		fail_eq(line, "tasks", now.tasks, baseline.tasks);
}
#define EXPECT_NO_LEAK() expect_no_leak(__LINE__)

/* Run fn in a child and return the child's wait status. */
static int in_child(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* The state of pid in a ps snapshot, or -1 if it is not there. */
static int task_state(pid_t pid, int *ppid)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++) {
		if (info[i].pid == pid) {
			if (ppid)
				*ppid = info[i].ppid;
			return info[i].state;
		}
	}
	return -1;
}

#define ST_WAITING 3
#define ST_TERMINATED 4

/* ---- fork, exec, wait -------------------------------------------------- */

static void test_fork_returns_twice(void)
{
	pid_t me = getpid(), pid;
	int status;

	take_baseline();
	pid = fork();
	if (pid == 0)
		exit(getppid() == me ? 7 : 99); /* 0 in the child */
	EXPECT(pid > me);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 7);
	EXPECT_NO_LEAK();
}

static void test_exec_runs_program(void)
{
	char *argv[] = {"false", "ignored", NULL};
	int status;
	pid_t pid;

	take_baseline();
	pid = fork();
	if (pid == 0) {
		exec("false", argv);
		exit(42); /* only if exec failed */
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 1); /* false's own exit code */
	EXPECT_NO_LEAK();
}

static void test_spawn_runs_program(void)
{
	char *argv[] = {"true", NULL};
	int status;
	pid_t pid;

	take_baseline();
	pid = spawn("true", argv);
	EXPECT(pid > 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	argv[0] = "false";
	pid = spawn("/bin/false", argv); /* directories are ignored */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 1);
	EXPECT_EQ(sys_raw(SYS_spawn, (long)"no-such-program", (long)argv, 0, 0,
			  0),
		  -ENOENT);
	EXPECT_NO_LEAK();
}

static int still_here = 1234;

static void test_exec_failure_keeps_image(void)
{
	char *argv[MICA_ARG_MAX + 2];
	char *ok[] = {"true", NULL};

	EXPECT_EQ(sys_raw(SYS_exec, (long)"no-such-program", (long)ok, 0, 0,
			  0),
		  -ENOENT);
	EXPECT_EQ(sys_raw(SYS_exec, (long)"usertests.txt", (long)ok, 0, 0, 0),
		  -ENOENT);
	/* A file that exists but is not an ELF program. */
	EXPECT_EQ(sys_raw(SYS_exec, (long)"motd", (long)ok, 0, 0, 0),
		  -ENOEXEC);
	for (int i = 0; i < MICA_ARG_MAX + 1; i++)
		argv[i] = "x";
	argv[MICA_ARG_MAX + 1] = NULL;
	EXPECT_EQ(sys_raw(SYS_exec, (long)"true", (long)argv, 0, 0, 0), -E2BIG);
	EXPECT_EQ(sys_raw(SYS_exec, (long)0xC0000000, (long)ok, 0, 0, 0),
		  -EFAULT);
	EXPECT_EQ(sys_raw(SYS_exec, (long)"true", (long)0xC0001000, 0, 0, 0),
		  -EFAULT);
	EXPECT_EQ(still_here, 1234); /* we are the same program, intact */
}

static void test_wait_without_children(void)
{
	int status;
	pid_t pid;

	EXPECT_EQ(sys_raw(SYS_waitpid, -1, (long)&status, 0, 0, 0), -ECHILD);
	EXPECT_EQ(sys_raw(SYS_waitpid, 9999, (long)&status, 0, 0, 0), -ECHILD);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		exit(3);
	}
	EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0); /* still running */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 3);
}

static void test_zombie_keeps_status(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		exit(5);
	sleep_ms(50); /* the child exits; nobody waits yet */
	EXPECT_EQ(task_state(pid, NULL), ST_TERMINATED);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 5);
	EXPECT_EQ(task_state(pid, NULL), -1); /* reaped: gone */
}

/* The pid of a task called name whose parent is ppid, or -1. */
static pid_t find_child_of(int ppid, const char *name)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++)
		if (info[i].ppid == ppid && strcmp(info[i].name, name) == 0 &&
		    info[i].pid != getpid())
			return info[i].pid;
	return -1;
}

static void test_orphan_adopted_by_init(void)
{
	int status;
	pid_t orphan, child = fork();

	if (child == 0) {
		if (fork() == 0) {
			sleep_ms(200); /* outlive the parent */
			exit(0);
		}
		exit(0); /* the parent dies first */
	}
	EXPECT_EQ(waitpid(child, &status, 0), child);
	orphan = find_child_of(1, "usertests");
	EXPECT(orphan > child); /* re-parented to init (pid 1) */
	sleep_ms(400);
	EXPECT_EQ(task_state(orphan, NULL), -1); /* and init reaped it */
}

static void sleep_forever(void)
{
	for (;;)
		sleep_ms(1000);
}

static void test_kill_tree_three_levels(void)
{
	int status;
	pid_t a, b = 0, c = 0;

	take_baseline();
	a = fork();
	if (a == 0) {
		if (fork() == 0) {
			if (fork() == 0)
				sleep_forever();
			sleep_forever();
		}
		sleep_forever();
	}
	sleep_ms(50); /* let the tree grow */
	for (int p = a + 1; p < a + 10; p++) {
		int ppid;

		if (task_state(p, &ppid) == ST_WAITING && ppid == a)
			b = p;
		if (b && task_state(p, &ppid) == ST_WAITING && ppid == b)
			c = p;
	}
	EXPECT(b > 0 && c > 0);
	EXPECT_EQ(kill_tree(a), 3);
	EXPECT_EQ(waitpid(a, &status, 0), a);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	sleep_ms(100); /* b and c were re-parented to init, which reaps them */
	EXPECT_EQ(task_state(b, NULL), -1);
	EXPECT_EQ(task_state(c, NULL), -1);
	EXPECT_EQ(sys_raw(SYS_kill, 1, 0, 0, 0, 0), -EPERM); /* not init */
	EXPECT_EQ(sys_raw(SYS_kill, 30000, 0, 0, 0, 0), -ESRCH);
	EXPECT_NO_LEAK();
}

/* ---- memory ---------------------------------------------------------- */

static char shared_page[3 * 4096] = {1};

static void test_cow_isolation(void)
{
	int status;
	pid_t pid;

	take_baseline();
	memset(shared_page, 'p', sizeof shared_page);
	pid = fork();
	if (pid == 0) {
		memset(shared_page, 'c', sizeof shared_page);
		exit(shared_page[4096] == 'c' ? 0 : 1);
	}
	shared_page[5000] = 'P'; /* the parent writes too */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(shared_page[0], 'p');
	EXPECT_EQ(shared_page[5000], 'P');
	EXPECT_EQ(shared_page[sizeof shared_page - 1], 'p');
	EXPECT_NO_LEAK();
}

static void test_sbrk_heap(void)
{
	char *old = (char *)sbrk(0), *p;

	take_baseline();
	p = (char *)sbrk(3 * 4096);
	EXPECT(p == old);
	memset(p, 'h', 3 * 4096);
	EXPECT_EQ((char *)sbrk(0) - old, 3 * 4096);
	EXPECT((char *)sbrk(-3 * 4096) == old + 3 * 4096);
	EXPECT_EQ(sys_raw(SYS_sbrk, -0x10000000, 0, 0, 0, 0), -ENOMEM);
	EXPECT_EQ(sys_raw(SYS_sbrk, 0x7FFFFFFF, 0, 0, 0, 0), -ENOMEM);
	EXPECT_NO_LEAK();
}

static void hog_memory(void)
{
	while (sbrk(1 << 20) != (void *)-1)
		;
	exit(errno == ENOMEM ? 0 : 1);
}

static void test_memory_hog_fails_cleanly(void)
{
	int status;

	take_baseline();
	status = in_child(hog_memory);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_NO_LEAK();
}

/* ---- bad pointers ---------------------------------------------------- */

static void test_bad_pointers_efault(void)
{
	static const long bad[] = {0, 0xC0000000, 0xC0100000, 0xFFFFF000,
				   0xBFFFFFF0};
	struct mica_memstat m;
	int fd = open("motd", O_RDONLY);

	EXPECT(fd >= 0);
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long p = bad[i];

		EXPECT_EQ(sys_raw(SYS_write, 1, p, 64, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_read, fd, p, 64, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_open, p, 0, 0, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_exec, p, 0, 0, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_spawn, p, 0, 0, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_readdir, 0, p, 0, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_ps, p, 8, 0, 0, 0), -EFAULT);
		EXPECT_EQ(sys_raw(SYS_memstat, p, 0, 0, 0, 0), -EFAULT);
	}
	/* Read-only memory (our own text) cannot be written by the kernel. */
	EXPECT_EQ(sys_raw(SYS_read, fd, (long)test_bad_pointers_efault, 8, 0,
			  0),
		  -EFAULT);
	EXPECT_EQ(sys_raw(SYS_ps, (long)take_baseline, 1, 0, 0, 0),
		  -EFAULT);
	/* A range that starts fine but runs past the end of user space. */
	EXPECT_EQ(sys_raw(SYS_write, 1, 0xBFFFE000, 0x3000, 0, 0), -EFAULT);
	EXPECT_EQ(sys_raw(SYS_write, 1, 0xFFFFFFF0, 0x20, 0, 0), -EFAULT);
	EXPECT_EQ(sys_raw(SYS_memstat, (long)&m, 0, 0, 0, 0), 0);
	/* Other bad arguments. */
	EXPECT_EQ(sys_raw(NR_SYSCALLS, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(sys_raw(-1, 0, 0, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(sys_raw(SYS_write, 99, (long)"x", 1, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_read, -1, (long)&m, 1, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_close, 12, 0, 0, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_open, (long)"nothing-here", 0, 0, 0, 0), -ENOENT);
	EXPECT_EQ(sys_raw(SYS_setpriority, 0, 32, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_setpriority, 0, -1, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_getpriority, 31000, 0, 0, 0, 0), -ESRCH);
	EXPECT_EQ(close(fd), 0);
}

static void test_priority_calls(void)
{
	EXPECT_EQ(setpriority(0, 5), 0);
	EXPECT_EQ(getpriority(0), 5);
	EXPECT_EQ(getpriority(getpid()), 5);
	EXPECT_EQ(setpriority(0, 16), 0);
}

/* ---- faults kill only the faulting task ------------------------------ */

static void do_divide(void)
{
	asm volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
}

static void do_ud2(void)
{
	asm volatile("ud2");
}

static void do_null_read(void)
{
	volatile int *p = 0;

	(void)*p;
}

static void do_text_write(void)
{
	*(volatile char *)do_text_write = 0;
}

static void do_jump_unmapped(void)
{
	((void (*)(void))0x00001234)();
}

static int __attribute__((noinline)) recurse(volatile int n)
{
	volatile char pad[512];

	pad[0] = n;
	if (n == -1)
		return 0;
	return recurse(n + 1) + pad[0];
}

static void do_stack_overflow(void)
{
	recurse(0);
}

static void do_kernel_read(void)
{
	(void)*(volatile int *)0xC0100000;
}

static void do_cli(void)
{
	asm volatile("cli");
}

static void do_hlt(void)
{
	asm volatile("hlt");
}

static void do_in(void)
{
	unsigned char v;

	asm volatile("inb $0x60, %0" : "=a"(v));
}

static void do_out(void)
{
	asm volatile("outb %0, $0x80" : : "a"((unsigned char)0));
}

static void test_faults_kill_only_the_task(void)
{
	static const struct {
		void (*fn)(void);
		int sig;
	} cases[] = {
		{do_divide, SIGFPE},        {do_ud2, SIGILL},
		{do_null_read, SIGSEGV},    {do_text_write, SIGSEGV},
		{do_jump_unmapped, SIGSEGV}, {do_stack_overflow, SIGSTKFLT},
		{do_kernel_read, SIGSEGV},  {do_cli, SIGSEGV},
		{do_hlt, SIGSEGV},          {do_in, SIGSEGV},
		{do_out, SIGSEGV},
	};

	take_baseline();
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int status = in_child(cases[i].fn);

		EXPECT(WIFSIGNALED(status));
		EXPECT_EQ(WTERMSIG(status), cases[i].sig);
	}
	EXPECT_NO_LEAK();
}

/* ---- limits and leaks ------------------------------------------------ */

static void test_fork_until_failure(void)
{
	static pid_t kids[16384];
	int n = 0, status;
	pid_t pid;

	take_baseline();
	while (n < 16384) {
		pid = fork();
		if (pid == 0)
			sleep_forever();
		if (pid < 0)
			break;
		kids[n++] = pid;
	}
	EXPECT(n > 100);
	EXPECT(errno == EAGAIN || errno == ENOMEM);
	for (int i = 0; i < n; i++)
		kill(kids[i]);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(waitpid(kids[i], &status, 0), kids[i]);
	EXPECT_NO_LEAK();
	pid = fork(); /* and the system recovers */
	if (pid == 0)
		exit(0);
	EXPECT(pid > 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
}

static void test_fork_exit_wait_1000(void)
{
	int status, ok = 0;

	take_baseline();
	for (int i = 0; i < 1000; i++) {
		pid_t pid = fork();

		if (pid == 0)
			exit(i & 0xFF);
		ok += waitpid(pid, &status, 0) == pid &&
		      WEXITSTATUS(status) == (i & 0xFF);
	}
	EXPECT_EQ(ok, 1000);
	EXPECT_NO_LEAK();
}

static void test_textbook_fork_exec(void)
{
	char *argv[] = {"forkexec", NULL};
	int status;
	pid_t pid = spawn("forkexec", argv);

	EXPECT(pid > 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* ---- the table ------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"fork_returns_twice", test_fork_returns_twice},
	{"exec_runs_program", test_exec_runs_program},
	{"spawn_runs_program", test_spawn_runs_program},
	{"exec_failure_keeps_image", test_exec_failure_keeps_image},
	{"wait_without_children", test_wait_without_children},
	{"zombie_keeps_status", test_zombie_keeps_status},
	{"orphan_adopted_by_init", test_orphan_adopted_by_init},
	{"kill_tree_three_levels", test_kill_tree_three_levels},
	{"cow_isolation", test_cow_isolation},
	{"sbrk_heap", test_sbrk_heap},
	{"memory_hog_fails_cleanly", test_memory_hog_fails_cleanly},
	{"bad_pointers_efault", test_bad_pointers_efault},
	{"priority_calls", test_priority_calls},
	{"faults_kill_only_the_task", test_faults_kill_only_the_task},
	{"fork_until_failure", test_fork_until_failure},
	{"fork_exit_wait_1000", test_fork_exit_wait_1000},
	{"textbook_fork_exec", test_textbook_fork_exec},
};
#define NTESTS (sizeof tests / sizeof tests[0])

static int run(unsigned i)
{
	char touch[16384];

	/* Fault in the stack once, so later baselines do not see it grow. */
	memset(touch, 0, sizeof touch);
	test_name = tests[i].name;
	failures = 0;
	printf("utest: %s: start\n", test_name);
	tests[i].fn();
	if (failures)
		printf("utest: %s: FAIL (%d failed checks)\n", test_name,
		       failures);
	else
		printf("utest: %s: PASS\n", test_name);
	return touch[0] + (failures != 0);
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc > 1 && strcmp(argv[1], "list") == 0) {
		for (unsigned i = 0; i < NTESTS; i++)
			printf("utest-list: %s\n", tests[i].name);
		printf("utest-list: end\n");
		return 0;
	}
	for (unsigned i = 0; i < NTESTS; i++) {
		int wanted = argc < 2 || strcmp(argv[1], "all") == 0;

		for (int a = 1; a < argc && !wanted; a++)
			wanted = strcmp(argv[a], tests[i].name) == 0;
		if (wanted)
			failed += run(i);
	}
	return failed ? 1 : 0;
}
