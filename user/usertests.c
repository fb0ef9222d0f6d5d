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
#include "tests/utest.h"
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mica/syscall.h>

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
	EXPECT_EQ(
	    sys_raw(SYS_spawn, (long)"no-such-program", (long)argv, 0, 0, 0),
	    -ENOENT);
	EXPECT_NO_LEAK();
}

static int still_here = 1234;

static void test_exec_failure_keeps_image(void)
{
	char *argv[MICA_ARG_MAX + 2];
	char *ok[] = {"true", NULL};

	EXPECT_EQ(sys_raw(SYS_exec, (long)"no-such-program", (long)ok, 0, 0, 0),
		  -ENOENT);
	EXPECT_EQ(sys_raw(SYS_exec, (long)"usertests.txt", (long)ok, 0, 0, 0),
		  -ENOENT);
	/* A file that exists but is not an ELF program. */
	EXPECT_EQ(sys_raw(SYS_exec, (long)"motd", (long)ok, 0, 0, 0), -ENOEXEC);
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
	EXPECT_EQ(
	    sys_raw(SYS_read, fd, (long)test_bad_pointers_efault, 8, 0, 0),
	    -EFAULT);
	EXPECT_EQ(sys_raw(SYS_ps, (long)take_baseline, 1, 0, 0, 0), -EFAULT);
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
	    {do_divide, SIGFPE},	 {do_ud2, SIGILL},
	    {do_null_read, SIGSEGV},	 {do_text_write, SIGSEGV},
	    {do_jump_unmapped, SIGSEGV}, {do_stack_overflow, SIGSTKFLT},
	    {do_kernel_read, SIGSEGV},	 {do_cli, SIGSEGV},
	    {do_hlt, SIGSEGV},		 {do_in, SIGSEGV},
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

/* ---- ports and messages ------------------------------------------------ */

/*
 * The Mach-style IPC of include/mica/ipc.h, through the wrappers of
 * user/lib/ipc.c. Exact error codes are checked with the raw system calls
 * (raw_send, raw_recv, raw_rpc below), which return -errno.
 *
 * Conventions of this section:
 *  - ipc_baseline() instead of take_baseline(), and EXPECT_IPC_NO_LEAK():
 *    the leak check also compares live ports and queued messages.
 *  - A child forked with ipc_fork() checks with EXPECT too and ends with
 *    child_done(): its exit status says whether any check failed, and
 *    EXPECT_CHILD_OK(pid) in the parent turns that into a failure here.
 *  - Receives that should succeed use MSG_TIMEOUT with IPC_WAIT, so that
 *    a lost message fails the test instead of hanging it.
 */

/* A message with body, id, sender and dest; FIFO order; sizes. */
static void test_ipc_send_receive_basic(void)
{
	static uint8_t big[MSG_BODY_MAX];
	struct msg m, r;
	port_t p, q;
	pid_t pid;

	ipc_baseline();
	EXPECT_EQ(port_type(PORT_KERNEL), RIGHT_SEND); /* born with these */
	EXPECT_EQ(port_type(PORT_NOTIFY), RIGHT_RECEIVE);
	EXPECT_EQ(port_type(PORT_SELF), RIGHT_RECEIVE);
	p = port_allocate();
	EXPECT(p >= PORT_FIRST_FREE);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE);
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE | RIGHT_SEND);

	msg_init(&m, p, 42, "hello, port", 12);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(queued_now(), 1);
	memset(&r, 0xAA, sizeof r);
	EXPECT_EQ(raw_recv(p, &r, sizeof r, 0, 0), MSG_SIZE_MIN + 12);
	EXPECT_EQ(r.h.size, MSG_SIZE_MIN + 12);
	EXPECT_EQ(r.h.id, 42);
	EXPECT_EQ(r.h.dest, p);
	EXPECT_EQ(r.h.reply, PORT_NULL);
	EXPECT_EQ(r.h.sender, getpid());
	EXPECT_EQ(r.h.nrights, 0);
	EXPECT(memcmp(r.body, "hello, port", 12) == 0);
	EXPECT_EQ(queued_now(), 0);

	/* An empty body and a full one, received in the order sent. */
	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 1);
	msg_init(&m, p, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	msg_init(&m, p, 2, big, sizeof big);
	EXPECT_EQ(m.h.size, MSG_SIZE_MAX);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &r), MSG_SIZE_MIN);
	EXPECT_EQ(r.h.id, 1);
	EXPECT_EQ(recv_wait(p, &r), MSG_SIZE_MAX);
	EXPECT_EQ(r.h.id, 2);
	EXPECT(memcmp(r.body, big, sizeof big) == 0);

	/* From another task: the kernel stamps the sender's pid. */
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(send_int(p, 7, getpid(), 0), 0);
		child_done();
	}
	EXPECT_EQ(recv_wait(p, &r), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(r.h.id, 7);
	EXPECT_EQ(r.h.sender, pid);
	EXPECT_EQ(body_int(&r), pid);
	EXPECT_EQ(r.h.dest, p);
	EXPECT_CHILD_OK(pid);

	/* Bad input. */
	q = port_allocate(); /* a receive right only */
	msg_init(&m, q, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.dest = BAD_NAME;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	m.h.dest = p;
	m.h.size = MSG_SIZE_MIN - 1;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	m.h.size = MSG_SIZE_MAX + 1;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	EXPECT_EQ(raw_recv(PORT_KERNEL, &r, sizeof r, MSG_TIMEOUT, 0),
		  -EBADRIGHT);
	EXPECT_EQ(raw_recv(BAD_NAME, &r, sizeof r, MSG_TIMEOUT, 0), -EINVAL);
	errno = 0; /* and the wrappers' convention: -1 and errno */
	EXPECT_EQ(msg_receive(BAD_NAME, &r, sizeof r, MSG_TIMEOUT, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(queued_now(), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(sys_raw(SYS_port_type, p, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_deallocate, p, 0, 0, 0, 0), -EINVAL);
	EXPECT_IPC_NO_LEAK();
}

/* The child of ipc_rights_transfer: gets a receive and a send right in a
 * message on its PORT_SELF, and uses both. */
static void rights_child(void)
{
	struct msg m;
	port_t a, b;

	EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 10);
	EXPECT_EQ(m.h.sender, getppid());
	EXPECT_EQ(m.h.dest, PORT_SELF);
	EXPECT_EQ(m.h.nrights, 2);
	a = m.h.rights[0].name;
	b = m.h.rights[1].name;
	EXPECT_EQ(m.h.rights[0].disposition, MSG_MOVE_RECEIVE);
	EXPECT_EQ(m.h.rights[1].disposition, MSG_MOVE_SEND);
	EXPECT_EQ(port_type(a), RIGHT_RECEIVE);
	EXPECT_EQ(port_type(b), RIGHT_SEND);
	/* The message queued on a before the move came with it. */
	EXPECT_EQ(raw_recv(a, &m, sizeof m, MSG_TIMEOUT, 0), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 11);
	EXPECT_EQ(m.h.sender, getppid());
	/* Answer on b, giving back a send right and a reply right to a. */
	msg_init(&m, b, 12, NULL, 0);
	m.h.reply = a;
	m.h.reply_disposition = MSG_MAKE_SEND_ONCE;
	msg_add_right(&m, a, MSG_MAKE_SEND);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(a, &m), MSG_SIZE_MIN); /* via the send-once */
	EXPECT_EQ(m.h.id, 13);
	EXPECT_EQ(recv_wait(a, &m), MSG_SIZE_MIN); /* via the send right */
	EXPECT_EQ(m.h.id, 14);
	msg_init(&m, b, 15, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	child_done(); /* a dies with us */
}

/* A receive right and a send right travel to a child in a message. */
static void test_ipc_rights_transfer(void)
{
	struct msg m, r;
	port_t a, b, s, once, reply;
	pid_t pid;

	ipc_baseline();
	a = port_allocate();
	b = port_allocate();
	/* Queue a message on a through a send-once right, used up by it. */
	once = port_make_send_once(a);
	EXPECT(once >= PORT_FIRST_FREE && once != a);
	EXPECT_EQ(port_type(once), RIGHT_SEND_ONCE);
	msg_init(&m, once, 11, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(sys_raw(SYS_port_type, once, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL); /* once is gone */

	pid = ipc_fork();
	if (pid == 0)
		rights_child();
	msg_init(&m, pid, 10, NULL, 0);
	msg_add_right(&m, a, MSG_MOVE_RECEIVE);
	msg_add_right(&m, b, MSG_MAKE_SEND);
	EXPECT_EQ(raw_send(&m, MSG_TO_PID, 0), 0);
	EXPECT_EQ(sys_raw(SYS_port_type, a, 0, 0, 0, 0), -EINVAL); /* moved */
	EXPECT_EQ(port_type(b), RIGHT_RECEIVE);

	EXPECT_EQ(recv_wait(b, &r), MSG_SIZE_MIN);
	EXPECT_EQ(r.h.id, 12);
	EXPECT_EQ(r.h.sender, pid);
	EXPECT_EQ(r.h.nrights, 1);
	EXPECT_EQ(r.h.rights[0].disposition, MSG_MOVE_SEND);
	s = r.h.rights[0].name;
	EXPECT_EQ(port_type(s), RIGHT_SEND);
	reply = r.h.reply;
	EXPECT(reply != PORT_NULL);
	EXPECT_EQ(port_type(reply), RIGHT_SEND_ONCE);
	msg_init(&m, reply, 13, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL); /* a send-once is used up */
	msg_init(&m, s, 14, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(b, &r), MSG_SIZE_MIN);
	EXPECT_EQ(r.h.id, 15);
	EXPECT_CHILD_OK(pid);

	/* The receive right died with the child: s is a dead name now. */
	EXPECT_EQ(port_type(s), RIGHT_DEAD_NAME);
	msg_init(&m, s, 16, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EDEADNAME);
	EXPECT_EQ(port_deallocate(s), 0);

	/* Bad input: rights this task does not hold. */
	msg_init(&m, b, 17, NULL, 0);
	EXPECT_EQ(port_make_send(b), 0);
	msg_add_right(&m, PORT_KERNEL, MSG_MOVE_RECEIVE);
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.rights[0].name = BAD_NAME;
	m.h.rights[0].disposition = MSG_COPY_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	EXPECT_EQ(queued_now(), 0);
	EXPECT_EQ(port_deallocate(b), 0);
	EXPECT_IPC_NO_LEAK();
}

/* The child of part 5 below: holds a send and a send-once right to the
 * parent's port until told to drop them. */
static void no_senders_child(void)
{
	struct msg m;
	port_t snd, once;

	EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 20);
	EXPECT_EQ(m.h.nrights, 2);
	snd = m.h.rights[0].name;
	once = m.h.rights[1].name;
	EXPECT_EQ(m.h.rights[0].disposition, MSG_MOVE_SEND);
	EXPECT_EQ(m.h.rights[1].disposition, MSG_MOVE_SEND_ONCE);
	EXPECT_EQ(port_type(snd), RIGHT_SEND);
	EXPECT_EQ(port_type(once), RIGHT_SEND_ONCE);
	msg_init(&m, once, 21, NULL, 0); /* uses the send-once up */
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 22);
	EXPECT_EQ(port_deallocate(snd), 0);
	child_done();
}

/* Dead names, and the three port notifications. */
static void test_ipc_dead_names_and_notifications(void)
{
	struct msg m;
	port_t p;
	pid_t pid;

	ipc_baseline();

	/* 1. Destroying a port discards the messages queued on it. */
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(send_int(p, 1, i, 0), 0);
	EXPECT_EQ(queued_now(), 3);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(queued_now(), 0);

	/* 2. The child's send right becomes a dead name when we destroy the
	 * port, and NOTIFY_DEAD_NAME tells it so. */
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(port_request(p, PORT_REQUEST_DEAD_NAME), 0);
		EXPECT_EQ(send_int(p, 1, 0, 0), 0); /* "ready" */
		EXPECT_EQ(recv_wait(PORT_NOTIFY, &m),
			  MSG_SIZE_MIN + sizeof(port_t));
		EXPECT_EQ(m.h.id, NOTIFY_DEAD_NAME);
		EXPECT_EQ(m.h.sender, 0);
		EXPECT_EQ(m.h.dest, PORT_NOTIFY);
		EXPECT_EQ(msg_notify_name(&m), p);
		EXPECT_EQ(port_type(p), RIGHT_DEAD_NAME);
		EXPECT_EQ(send_int(p, 2, 0, 0), -EDEADNAME);
		EXPECT_EQ(port_deallocate(p), 0);
		EXPECT_EQ(sys_raw(SYS_port_type, p, 0, 0, 0, 0), -EINVAL);
		child_done();
	}
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_CHILD_OK(pid);

	/* 3. A sender blocked on a full queue wakes with -EDEADNAME. */
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_set_qlimit(p, 1), 0);
	EXPECT_EQ(send_int(p, 1, 0, 0), 0); /* full */
	pid = ipc_fork();
	if (pid == 0) {
		msg_init(&m, p, 2, NULL, 0); /* blocks: the queue is full */
		EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, IPC_WAIT), -EDEADNAME);
		child_done();
	}
	sleep_ms(100);
	EXPECT_EQ(task_state(pid, NULL), ST_WAITING);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_CHILD_OK(pid);

	/* 4. Deallocating the name we asked about: NOTIFY_PORT_DELETED. */
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(port_request(p, PORT_REQUEST_DEAD_NAME), 0);
		EXPECT_EQ(port_deallocate(p), 0);
		EXPECT_EQ(recv_wait(PORT_NOTIFY, &m),
			  MSG_SIZE_MIN + sizeof(port_t));
		EXPECT_EQ(m.h.id, NOTIFY_PORT_DELETED);
		EXPECT_EQ(m.h.sender, 0);
		EXPECT_EQ(msg_notify_name(&m), p);
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE | RIGHT_SEND); /* untouched */
	EXPECT_EQ(port_deallocate(p), 0);

	/* 5. NOTIFY_NO_SENDERS when the last send right elsewhere goes. */
	p = port_allocate();
	pid = ipc_fork();
	if (pid == 0)
		no_senders_child();
	msg_init(&m, pid, 20, NULL, 0);
	msg_add_right(&m, p, MSG_MAKE_SEND);
	msg_add_right(&m, p, MSG_MAKE_SEND_ONCE);
	EXPECT_EQ(raw_send(&m, MSG_TO_PID, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN); /* the send-once, used */
	EXPECT_EQ(m.h.id, 21);
	EXPECT_EQ(m.h.sender, pid);
	EXPECT_EQ(port_request(p, PORT_REQUEST_NO_SENDERS), 0);
	/* The child still holds a send right: no notification yet. */
	EXPECT_EQ(raw_recv(PORT_NOTIFY, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK);
	EXPECT_EQ(send_int(pid, 22, 0, MSG_TO_PID), 0); /* "drop it" */
	EXPECT_EQ(recv_wait(PORT_NOTIFY, &m), MSG_SIZE_MIN + sizeof(port_t));
	EXPECT_EQ(m.h.id, NOTIFY_NO_SENDERS);
	EXPECT_EQ(m.h.sender, 0);
	EXPECT_EQ(msg_notify_name(&m), p);
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE); /* the port itself lives on */

	/* Bad requests. */
	EXPECT_EQ(sys_raw(SYS_port_request, p, PORT_REQUEST_DEAD_NAME, 0, 0, 0),
		  -EBADRIGHT); /* p holds no send right */
	EXPECT_EQ(sys_raw(SYS_port_request, PORT_KERNEL,
			  PORT_REQUEST_NO_SENDERS, 0, 0, 0),
		  -EBADRIGHT); /* not a receive right */
	EXPECT_EQ(sys_raw(SYS_port_request, p, 77, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_request, BAD_NAME, PORT_REQUEST_DEAD_NAME, 0,
			  0, 0),
		  -EINVAL);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(raw_recv(PORT_NOTIFY, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK); /* nothing more arrived */
	EXPECT_IPC_NO_LEAK();
}

/* Queue limit 0: msg_send returns only once a receiver took it. */
static void test_ipc_rendezvous(void)
{
	unsigned long t, times[2];
	struct msg m;
	port_t p;
	pid_t pid;

	ipc_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_set_qlimit(p, 0), 0);
	/* Nobody is receiving: the message cannot be handed over. */
	msg_init(&m, p, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	t = uptime_ms();
	EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, 50), -ETIMEDOUT);
	EXPECT(uptime_ms() - t >= 50);
	EXPECT_EQ(queued_now(), 0); /* nothing left behind */

	pid = ipc_fork();
	if (pid == 0) {
		times[0] = uptime_ms();
		msg_init(&m, p, 1, NULL, 0);
		EXPECT_EQ(raw_send(&m, 0, 0), 0);
		times[1] = uptime_ms();
		msg_init(&m, p, 2, times, sizeof times);
		EXPECT_EQ(raw_send(&m, 0, 0), 0);
		child_done();
	}
	sleep_ms(300);
	EXPECT_EQ(task_state(pid, NULL), ST_WAITING); /* in msg_send */
	t = uptime_ms();
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 1);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof times);
	EXPECT_EQ(m.h.id, 2);
	memcpy(times, m.body, sizeof times);
	EXPECT(times[0] <= t); /* the sender started before the receive */
	EXPECT(times[1] >= t); /* and returned only after it */
	EXPECT(times[1] - times[0] >= 200);
	EXPECT_CHILD_OK(pid);

	/* Bad limits. */
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, p, PORT_QLIMIT_MAX + 1, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, PORT_KERNEL, 0, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, BAD_NAME, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Queue limit 1, full: wait, time out, give up at once, or MSG_NOTIFY. */
static void test_ipc_full_queue_choices(void)
{
	unsigned long t, took;
	struct msg m;
	pid_t c1, c2;
	port_t p;

	ipc_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(port_set_qlimit(p, 1), 0);
	EXPECT_EQ(send_int(p, 'A', 0, 0), 0); /* now full */

	/* Do not wait. */
	msg_init(&m, p, 'B', NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	/* Wait at most 50 ms. */
	t = uptime_ms();
	EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, 50), -ETIMEDOUT);
	took = uptime_ms() - t;
	EXPECT(took >= 50);
	EXPECT(took < IPC_WAIT);
	EXPECT_EQ(queued_now(), 1);

	/* Let the kernel keep it, and tell us when it is queued. */
	msg_init(&m, p, 'C', NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_NOTIFY, 0), MSG_WILL_NOTIFY);
	EXPECT_EQ(queued_now(), 2); /* queued, or cached, in the kernel */
	msg_init(&m, p, 'D', NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_NOTIFY, 0), -EBUSY); /* one per port */
	EXPECT_EQ(raw_recv(PORT_NOTIFY, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK); /* not yet */
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 'A');
	EXPECT_EQ(recv_wait(PORT_NOTIFY, &m), MSG_SIZE_MIN + sizeof(port_t));
	EXPECT_EQ(m.h.id, NOTIFY_MSG_ACCEPTED);
	EXPECT_EQ(m.h.sender, 0);
	EXPECT_EQ(msg_notify_name(&m), p);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 'C');
	EXPECT_EQ(queued_now(), 0);
	/* With room in the queue, MSG_NOTIFY changes nothing. */
	msg_init(&m, p, 'E', NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_NOTIFY, 0), 0);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 'E');
	EXPECT_EQ(raw_recv(PORT_NOTIFY, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK);

	/* Wait for room: two blocked senders, woken oldest first. */
	EXPECT_EQ(send_int(p, 'A', 0, 0), 0); /* full again */
	c1 = ipc_fork();
	if (c1 == 0) {
		EXPECT_EQ(send_int(p, 'B', 0, 0), 0);
		child_done();
	}
	sleep_ms(50);
	c2 = ipc_fork();
	if (c2 == 0) {
		EXPECT_EQ(send_int(p, 'C', 0, 0), 0);
		child_done();
	}
	sleep_ms(50);
	EXPECT_EQ(task_state(c1, NULL), ST_WAITING);
	EXPECT_EQ(task_state(c2, NULL), ST_WAITING);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 'A');
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 'B');
	EXPECT_EQ(m.h.sender, c1);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 'C');
	EXPECT_EQ(m.h.sender, c2);
	EXPECT_CHILD_OK(c1);
	EXPECT_CHILD_OK(c2);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* msg_receive with MSG_TIMEOUT: 0 does not wait, n waits n ms. */
static void test_ipc_receive_timeout(void)
{
	unsigned long t, took;
	struct msg m;
	port_t p;
	pid_t pid;

	ipc_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	EXPECT_EQ(raw_recv(PORT_NOTIFY, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK);
	t = uptime_ms();
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 30), -ETIMEDOUT);
	took = uptime_ms() - t;
	EXPECT(took >= 30);
	EXPECT(took < 1000);

	/* A message that arrives during the wait ends it early. */
	pid = ipc_fork();
	if (pid == 0) {
		sleep_ms(50);
		EXPECT_EQ(send_int(p, 5, 0, 0), 0);
		sleep_ms(50);
		EXPECT_EQ(send_int(p, 6, 0, 0), 0);
		child_done();
	}
	t = uptime_ms();
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, IPC_WAIT),
		  MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 5);
	EXPECT(uptime_ms() - t < IPC_WAIT);
	/* Without the MSG_TIMEOUT bit the value means nothing: this waits
	 * for message 6, about 50 ms, far longer than 1 ms. */
	EXPECT_EQ(raw_recv(p, &m, sizeof m, 0, 1), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 6);
	EXPECT_CHILD_OK(pid);

	EXPECT_EQ(raw_recv(BAD_NAME, &m, sizeof m, MSG_TIMEOUT, 0), -EINVAL);
	EXPECT_EQ(raw_recv(PORT_KERNEL, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EBADRIGHT);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Receive from a port set: any member; dest tells which. */
static void test_ipc_port_sets(void)
{
	struct msg m;
	port_t a, b, s;
	int got = 0;
	pid_t pid;

	ipc_baseline();
	a = port_allocate();
	b = port_allocate();
	EXPECT_EQ(port_make_send(a), 0);
	EXPECT_EQ(port_make_send(b), 0);
	s = port_set_allocate();
	EXPECT(s >= PORT_FIRST_FREE);
	EXPECT_EQ(port_type(s), RIGHT_PORT_SET);
	EXPECT_EQ(raw_recv(s, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	EXPECT_EQ(port_set_add(s, a), 0);
	EXPECT_EQ(port_set_add(s, b), 0);

	EXPECT_EQ(send_int(b, 2, 0, 0), 0);
	EXPECT_EQ(send_int(a, 1, 0, 0), 0);
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(recv_wait(s, &m), MSG_SIZE_MIN + sizeof(int));
		if (m.h.dest == a && m.h.id == 1)
			got |= 1;
		else if (m.h.dest == b && m.h.id == 2)
			got |= 2;
		else
			EXPECT(!"a message with the wrong dest or id");
	}
	EXPECT_EQ(got, 3);
	EXPECT_EQ(raw_recv(s, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);

	/* A receiver blocked on the set wakes for a message to a member. */
	pid = ipc_fork();
	if (pid == 0) {
		sleep_ms(50);
		EXPECT_EQ(send_int(b, 3, 0, 0), 0);
		child_done();
	}
	EXPECT_EQ(recv_wait(s, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.dest, b);
	EXPECT_EQ(m.h.id, 3);
	EXPECT_EQ(m.h.sender, pid);
	EXPECT_CHILD_OK(pid);

	/* A removed member is no longer heard through the set. */
	EXPECT_EQ(port_set_remove(s, a), 0);
	EXPECT_EQ(send_int(a, 4, 0, 0), 0);
	EXPECT_EQ(raw_recv(s, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	EXPECT_EQ(raw_recv(a, &m, sizeof m, MSG_TIMEOUT, 0),
		  MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 4);
	EXPECT_EQ(m.h.dest, a);
	EXPECT(sys_raw(SYS_port_set_remove, s, a, 0, 0, 0) < 0);

	/* Bad input. */
	EXPECT_EQ(sys_raw(SYS_port_set_add, s, PORT_KERNEL, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_add, s, BAD_NAME, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_set_add, a, b, 0, 0, 0), -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_add, BAD_NAME, a, 0, 0, 0), -EINVAL);
	msg_init(&m, s, 5, NULL, 0); /* one cannot send to a set */
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);

	/* Destroying a member takes it out of the set. */
	EXPECT_EQ(port_deallocate(b), 0);
	EXPECT_EQ(raw_recv(s, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	EXPECT_EQ(port_deallocate(s), 0);
	EXPECT_EQ(port_deallocate(a), 0);
	EXPECT_IPC_NO_LEAK();
}

/* MSG_TO_PID reaches a task's PORT_SELF; MSG_FROM_PID picks a sender. */
static void test_ipc_direct_by_pid(void)
{
	struct msg m;
	pid_t c, d;

	ipc_baseline();
	c = ipc_fork();
	if (c == 0) {
		/* Only our parent's message, although another came first. */
		m.h.sender = getppid();
		EXPECT_EQ(raw_recv(PORT_SELF, &m, sizeof m,
				   MSG_FROM_PID | MSG_TIMEOUT, IPC_WAIT),
			  MSG_SIZE_MIN + sizeof(int));
		EXPECT_EQ(m.h.id, 77);
		EXPECT_EQ(m.h.sender, getppid());
		EXPECT_EQ(m.h.dest, PORT_SELF);
		m.h.sender = getppid();
		EXPECT_EQ(raw_recv(PORT_SELF, &m, sizeof m,
				   MSG_FROM_PID | MSG_TIMEOUT, 0),
			  -EWOULDBLOCK);
		/* The skipped one is still there. */
		EXPECT_EQ(raw_recv(PORT_SELF, &m, sizeof m, MSG_TIMEOUT, 0),
			  MSG_SIZE_MIN + sizeof(int));
		EXPECT_EQ(m.h.id, 66);
		EXPECT_EQ(m.h.sender, body_int(&m));
		EXPECT(m.h.sender != getppid() && m.h.sender > 0);
		EXPECT_EQ(send_int(getppid(), 78, 0, MSG_TO_PID), 0);
		child_done();
	}
	d = ipc_fork();
	if (d == 0) {
		EXPECT_EQ(send_int(c, 66, getpid(), MSG_TO_PID), 0);
		child_done();
	}
	EXPECT_CHILD_OK(d); /* its message is queued before ours */
	EXPECT_EQ(send_int(c, 77, 0, MSG_TO_PID), 0);
	EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 78);
	EXPECT_EQ(m.h.sender, c);
	EXPECT_EQ(m.h.dest, PORT_SELF);
	EXPECT_CHILD_OK(c);

	/* Bad input: no such task (any more). */
	EXPECT_EQ(send_int(NO_PID, 1, 0, MSG_TO_PID), -ESRCH);
	EXPECT_EQ(send_int(c, 1, 0, MSG_TO_PID), -ESRCH);
	EXPECT_EQ(queued_now(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* A buffer too small: -EMSGSIZE, the size needed, and nothing lost. */
static void test_ipc_emsgsize(void)
{
	struct mica_task_info info;
	uint8_t pattern[100];
	struct msg m, r;
	port_t p, q, k, got;
	int status;
	pid_t pid;

	ipc_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	for (unsigned i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(200 - i);
	msg_init(&m, p, 5, pattern, sizeof pattern);
	msg_add_right(&m, q, MSG_MAKE_SEND); /* a right must not be lost */
	EXPECT_EQ(raw_send(&m, 0, 0), 0);

	memset(&r, 0, sizeof r);
	EXPECT_EQ(raw_recv(p, &r, MSG_SIZE_MIN + 10, MSG_TIMEOUT, 0),
		  -EMSGSIZE);
	EXPECT_EQ(r.h.size, MSG_SIZE_MIN + sizeof pattern);
	r.h.size = 0;
	EXPECT_EQ(raw_recv(p, &r, 4, MSG_TIMEOUT, 0), -EMSGSIZE);
	EXPECT_EQ(r.h.size, MSG_SIZE_MIN + sizeof pattern);
	EXPECT_EQ(raw_recv(p, &r, 0, MSG_TIMEOUT, 0), -EMSGSIZE);
	EXPECT_EQ(queued_now(), 1); /* still queued */
	/* Exactly the size needed is enough. */
	memset(&r, 0, sizeof r);
	EXPECT_EQ(
	    raw_recv(p, &r, MSG_SIZE_MIN + sizeof pattern, MSG_TIMEOUT, 0),
	    MSG_SIZE_MIN + sizeof pattern);
	EXPECT_EQ(r.h.id, 5);
	EXPECT(memcmp(r.body, pattern, sizeof pattern) == 0);
	EXPECT_EQ(r.h.nrights, 1);
	EXPECT_EQ(r.h.rights[0].disposition, MSG_MOVE_SEND);
	got = r.h.rights[0].name;
	EXPECT(port_type(got) > 0 && (port_type(got) & RIGHT_SEND));
	if (got != q) /* Mach would merge it into q's name */
		EXPECT_EQ(port_deallocate(got), 0);
	EXPECT_EQ(queued_now(), 0);

	/* msg_rpc with a reply buffer too small reports the same way ... */
	pid = fork();
	if (pid == 0)
		sleep_forever();
	k = task_for_pid(pid);
	msg_init(&m, PORT_KERNEL, KERNEL_TASK_INFO, NULL, 0);
	memset(&r, 0, sizeof r);
	EXPECT_EQ(raw_rpc(&m, &r, MSG_SIZE_MIN, MSG_TIMEOUT, IPC_WAIT),
		  -EMSGSIZE);
	EXPECT_EQ(r.h.size, MSG_SIZE_MIN + sizeof(struct mica_task_info));
	/* ... and the next rpc gets the answer to its own request, not the
	 * one that did not fit: here, the child's task info, not ours. */
	memset(&info, 0, sizeof info);
	EXPECT_EQ(kernel_task_info(k, &info), 0);
	EXPECT_EQ(info.pid, pid);
	EXPECT_EQ(kill(pid), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(port_deallocate(k), 0);

	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* The Kernel port: task info, suspend, resume, terminate. */
static void test_ipc_kernel_port(void)
{
	struct mica_task_info info;
	long t1, t2, t3;
	int status = 0;
	struct msg m;
	port_t k;
	pid_t pid;

	ipc_baseline();
	memset(&info, 0, sizeof info);
	EXPECT_EQ(kernel_task_info(PORT_KERNEL, &info), 0);
	EXPECT_EQ(info.pid, getpid());
	EXPECT_EQ(info.ppid, getppid());
	EXPECT(strcmp(info.name, "usertests") == 0);

	pid = fork();
	if (pid == 0)
		spin_forever();
	k = task_for_pid(pid);
	EXPECT(k >= PORT_FIRST_FREE);
	EXPECT_EQ(port_type(k), RIGHT_SEND);
	memset(&info, 0, sizeof info);
	EXPECT_EQ(kernel_task_info(k, &info), 0);
	EXPECT_EQ(info.pid, pid);
	EXPECT_EQ(info.ppid, getpid());

	sleep_ms(50);
	EXPECT_EQ(kernel_op(k, KERNEL_TASK_SUSPEND), 0);
	sleep_ms(50);
	t1 = task_ticks(pid);
	sleep_ms(300);
	t2 = task_ticks(pid);
	EXPECT(t1 >= 0);
	EXPECT_EQ(t2, t1); /* suspended: it does not run */
	EXPECT_EQ(kernel_op(k, KERNEL_TASK_RESUME), 0);
	sleep_ms(300);
	t3 = task_ticks(pid);
	EXPECT(t3 > t2); /* running again */
	EXPECT_EQ(kernel_op(k, KERNEL_TASK_TERMINATE), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);

	/* Its Kernel port died with it. */
	EXPECT_EQ(port_type(k), RIGHT_DEAD_NAME);
	msg_init(&m, k, KERNEL_TASK_INFO, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EDEADNAME);
	EXPECT_EQ(port_deallocate(k), 0);

	EXPECT_EQ(sys_raw(SYS_task_for_pid, NO_PID, 0, 0, 0, 0), -ESRCH);
	EXPECT_EQ(sys_raw(SYS_task_for_pid, pid, 0, 0, 0, 0), -ESRCH);
	EXPECT_IPC_NO_LEAK();
}

/* A forked child: its own 1/2/3, the parent's send rights, no receive
 * rights. */
static void test_ipc_fork_inheritance(void)
{
	struct mica_task_info info;
	struct msg m;
	port_t p, q;
	pid_t pid;

	ipc_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(port_type(PORT_KERNEL), RIGHT_SEND);
		EXPECT_EQ(port_type(PORT_NOTIFY), RIGHT_RECEIVE);
		EXPECT_EQ(port_type(PORT_SELF), RIGHT_RECEIVE);
		memset(&info, 0, sizeof info);
		EXPECT_EQ(kernel_task_info(PORT_KERNEL, &info), 0);
		EXPECT_EQ(info.pid, getpid()); /* my Kernel port, not his */
		EXPECT_EQ(port_type(p), RIGHT_SEND);
		EXPECT_EQ(sys_raw(SYS_port_type, q, 0, 0, 0, 0), -EINVAL);
		EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0),
			  -EBADRIGHT);
		EXPECT_EQ(raw_recv(q, &m, sizeof m, MSG_TIMEOUT, 0), -EINVAL);
		EXPECT_EQ(send_int(p, 31, 0, 0), 0);
		/* My own PORT_SELF: what is sent to my pid lands here. */
		EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN + sizeof(int));
		EXPECT_EQ(m.h.id, 32);
		EXPECT_EQ(m.h.sender, getppid());
		child_done();
	}
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 31);
	EXPECT_EQ(m.h.sender, pid);
	EXPECT_EQ(send_int(pid, 32, 0, MSG_TO_PID), 0);
	EXPECT_CHILD_OK(pid);

	/* Nothing changed on our side. */
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE | RIGHT_SEND);
	EXPECT_EQ(port_type(q), RIGHT_RECEIVE);
	EXPECT_EQ(raw_recv(PORT_SELF, &m, sizeof m, MSG_TIMEOUT, 0),
		  -EWOULDBLOCK);
	memset(&info, 0, sizeof info);
	EXPECT_EQ(kernel_task_info(PORT_KERNEL, &info), 0);
	EXPECT_EQ(info.pid, getpid());
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_IPC_NO_LEAK();
}

/* The child of ipc_cleanup_on_exit: leaves a mess behind and exits. */
static void messy_child(port_t parent)
{
	static uint8_t junk[512];
	port_t mine[4], set, once;
	struct msg m;

	for (int i = 0; i < 4; i++) {
		mine[i] = port_allocate();
		EXPECT(mine[i] >= PORT_FIRST_FREE);
		EXPECT_EQ(port_make_send(mine[i]), 0);
		for (int j = 0; j < 3; j++) {
			msg_init(&m, mine[i], j, junk, sizeof junk);
			EXPECT_EQ(raw_send(&m, 0, 0), 0);
		}
	}
	/* Messages that carry rights, a port set, a send-once, a request. */
	msg_init(&m, mine[0], 9, NULL, 0);
	msg_add_right(&m, mine[1], MSG_MAKE_SEND);
	msg_add_right(&m, parent, MSG_COPY_SEND);
	m.h.reply = mine[2];
	m.h.reply_disposition = MSG_MAKE_SEND_ONCE;
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	set = port_set_allocate();
	EXPECT_EQ(port_set_add(set, mine[1]), 0);
	once = port_make_send_once(mine[3]);
	EXPECT(once >= PORT_FIRST_FREE);
	EXPECT_EQ(port_request(mine[3], PORT_REQUEST_NO_SENDERS), 0);
	EXPECT_EQ(send_int(getpid(), 8, 0, MSG_TO_PID), 0);
	/* Give the parent a send right to mine[0], then go. */
	msg_init(&m, parent, 40, NULL, 0);
	msg_add_right(&m, mine[0], MSG_MAKE_SEND);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	child_done();
}

/* Whatever a task holds is cleaned up when it exits or is killed. */
static void test_ipc_cleanup_on_exit(void)
{
	int status;
	port_t p, r, c, reply;
	struct msg m;
	pid_t pid, k1, k2, k3;

	ipc_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	pid = ipc_fork();
	if (pid == 0)
		messy_child(p);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 40);
	EXPECT_EQ(m.h.nrights, 1);
	c = m.h.rights[0].name; /* a send right, dead once the child exits */
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(port_type(c), RIGHT_DEAD_NAME);
	msg_init(&m, c, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EDEADNAME);
	EXPECT_EQ(port_deallocate(c), 0);
	EXPECT_EQ(queued_now(), 0); /* its 14 messages went with it */

	/* Tasks killed while blocked in msg_send, msg_rpc, msg_receive. */
	r = port_allocate();
	EXPECT_EQ(port_make_send(r), 0);
	EXPECT_EQ(port_set_qlimit(p, 1), 0);
	EXPECT_EQ(send_int(p, 50, 0, 0), 0); /* p is full */
	k1 = fork();
	if (k1 == 0) {
		send_int(p, 51, 0, 0);
		exit(0);
	}
	k2 = fork();
	if (k2 == 0) {
		msg_init(&m, r, 52, NULL, 0);
		raw_rpc(&m, &m, sizeof m, 0, 0);
		exit(0);
	}
	k3 = fork();
	if (k3 == 0) {
		raw_recv(PORT_SELF, &m, sizeof m, 0, 0);
		exit(0);
	}
	sleep_ms(100);
	EXPECT_EQ(task_state(k1, NULL), ST_WAITING);
	EXPECT_EQ(task_state(k2, NULL), ST_WAITING);
	EXPECT_EQ(task_state(k3, NULL), ST_WAITING);
	EXPECT_EQ(kill(k1), 0);
	EXPECT_EQ(kill(k2), 0);
	EXPECT_EQ(kill(k3), 0);
	EXPECT_EQ(waitpid(k1, &status, 0), k1);
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	EXPECT_EQ(waitpid(k2, &status, 0), k2);
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	EXPECT_EQ(waitpid(k3, &status, 0), k3);
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	/* k1's send never happened; k2's request is here, its reply port
	 * dead. */
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 50);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	EXPECT_EQ(raw_recv(r, &m, sizeof m, MSG_TIMEOUT, 0), MSG_SIZE_MIN);
	EXPECT_EQ(m.h.id, 52);
	reply = m.h.reply;
	EXPECT(reply != PORT_NULL);
	EXPECT_EQ(port_type(reply), RIGHT_DEAD_NAME);
	msg_init(&m, reply, 53, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EDEADNAME);
	port_deallocate(reply); /* if the failed send left the name */
	EXPECT_EQ(port_deallocate(r), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/* A port whose receive right died with a child: a dead name here. */
static port_t make_dead_name(port_t via)
{
	struct msg m;
	pid_t pid = ipc_fork();

	if (pid == 0) {
		port_t mine = port_allocate();

		msg_init(&m, via, 1, NULL, 0);
		msg_add_right(&m, mine, MSG_MAKE_SEND);
		EXPECT_EQ(raw_send(&m, 0, 0), 0);
		child_done();
	}
	EXPECT_EQ(recv_wait(via, &m), MSG_SIZE_MIN);
	EXPECT_CHILD_OK(pid);
	return m.h.nrights == 1 ? m.h.rights[0].name : PORT_NULL;
}

/* Every kind of bad argument: a specific error, and no harm done. */
static void test_ipc_bad_input(void)
{
	static const port_t unknown[] = {PORT_NULL, -1, BAD_NAME, 0x7fffffff};
	static const uint32_t bad_disp[] = {0, 15, 22, 99, 0xFFFFFFFF};
	static const uint32_t bad_size[] = {0, MSG_SIZE_MIN - 1,
					    MSG_SIZE_MAX + 1, 0xFFFFFFFF};
	struct msg m, r;
	port_t p, q, s, dead;

	ipc_baseline();
	p = port_allocate();
	EXPECT_EQ(port_make_send(p), 0);
	q = port_allocate(); /* receive only */
	s = port_set_allocate();

	/* Names this task does not have. */
	for (unsigned i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		port_t n = unknown[i];

		EXPECT_EQ(sys_raw(SYS_port_type, n, 0, 0, 0, 0), -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_deallocate, n, 0, 0, 0, 0), -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_make_send, n, 0, 0, 0, 0), -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_make_send_once, n, 0, 0, 0, 0),
			  -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_set_qlimit, n, 1, 0, 0, 0), -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_request, n, PORT_REQUEST_DEAD_NAME,
				  0, 0, 0),
			  -EINVAL);
		EXPECT_EQ(sys_raw(SYS_port_set_add, s, n, 0, 0, 0), -EINVAL);
		EXPECT_EQ(raw_recv(n, &r, sizeof r, MSG_TIMEOUT, 0), -EINVAL);
		msg_init(&m, n, 1, NULL, 0);
		EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
		msg_init(&m, p, 1, NULL, 0);
		msg_add_right(&m, n, MSG_COPY_SEND);
		EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	}
	errno = 0;
	EXPECT_EQ(port_type(BAD_NAME), -1);
	EXPECT_EQ(errno, EINVAL);

	/* The wrong kind of right. */
	msg_init(&m, q, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT); /* receive only */
	m.h.dest = s;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT); /* a port set */
	EXPECT_EQ(raw_recv(PORT_KERNEL, &r, sizeof r, MSG_TIMEOUT, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_make_send, PORT_KERNEL, 0, 0, 0, 0),
		  -EBADRIGHT); /* MAKE_SEND from a send right */
	EXPECT_EQ(sys_raw(SYS_port_make_send_once, PORT_KERNEL, 0, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, PORT_KERNEL, 1, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_add, s, PORT_KERNEL, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_set_add, q, p, 0, 0, 0), -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_request, q, PORT_REQUEST_DEAD_NAME, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_request, PORT_KERNEL,
			  PORT_REQUEST_NO_SENDERS, 0, 0, 0),
		  -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_request, p, 0, 0, 0, 0), -EINVAL);
	/* ... as the reply right ... */
	msg_init(&m, p, 1, NULL, 0);
	m.h.reply = PORT_KERNEL;
	m.h.reply_disposition = MSG_MAKE_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.reply_disposition = MSG_MAKE_SEND_ONCE;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.reply = q;
	m.h.reply_disposition = MSG_COPY_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.reply_disposition = MSG_MOVE_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	/* ... and as a carried right. */
	msg_init(&m, p, 1, NULL, 0);
	msg_add_right(&m, PORT_KERNEL, MSG_MOVE_RECEIVE);
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.rights[0].disposition = MSG_MAKE_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);
	m.h.rights[0].name = q;
	m.h.rights[0].disposition = MSG_COPY_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), -EBADRIGHT);

	/* Dispositions, nrights and sizes out of range. */
	for (unsigned i = 0; i < sizeof bad_disp / sizeof bad_disp[0]; i++) {
		msg_init(&m, p, 1, NULL, 0);
		msg_add_right(&m, p, bad_disp[i]);
		EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
		msg_init(&m, p, 1, NULL, 0);
		m.h.reply = p;
		m.h.reply_disposition = bad_disp[i];
		EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	}
	msg_init(&m, p, 1, NULL, 0);
	m.h.nrights = MSG_RIGHTS_MAX + 1;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	m.h.nrights = 0xFFFFFFFF;
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	for (unsigned i = 0; i < sizeof bad_size / sizeof bad_size[0]; i++) {
		msg_init(&m, p, 1, NULL, 0);
		m.h.size = bad_size[i];
		EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	}
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, p, PORT_QLIMIT_MAX + 1, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_set_qlimit, p, 0xFFFFFFFF, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(port_set_qlimit(p, PORT_QLIMIT_MAX), 0);
	EXPECT_EQ(port_set_qlimit(p, PORT_QLIMIT_DEFAULT), 0);

	/* A failed send takes nothing: q keeps its receive right. */
	msg_init(&m, p, 1, NULL, 0);
	msg_add_right(&m, q, MSG_MOVE_RECEIVE);
	msg_add_right(&m, BAD_NAME, MSG_COPY_SEND);
	EXPECT_EQ(raw_send(&m, 0, 0), -EINVAL);
	EXPECT_EQ(port_type(q), RIGHT_RECEIVE);
	EXPECT_EQ(queued_now(), 0);

	/* Bad pointers. */
	EXPECT_EQ(raw_send(NULL, 0, 0), -EFAULT);
	EXPECT_EQ(raw_send((struct msg *)0xC0000000, 0, 0), -EFAULT);
	EXPECT_EQ(raw_send((struct msg *)0xBFFFFFF0, 0, 0), -EFAULT);
	msg_init(&m, PORT_KERNEL, KERNEL_TASK_INFO, NULL, 0);
	EXPECT_EQ(raw_rpc(NULL, &r, sizeof r, 0, 0), -EFAULT);
	EXPECT_EQ(raw_rpc(&m, NULL, sizeof r, 0, 0), -EFAULT);
	EXPECT_EQ(raw_rpc(&m, (struct msg *)test_ipc_bad_input, sizeof r, 0, 0),
		  -EFAULT);
	EXPECT_EQ(queued_now(), 0); /* no reply left behind for the next rpc */
	EXPECT_EQ(send_int(p, 1, 0, 0), 0); /* something to receive */
	EXPECT_EQ(raw_recv(p, NULL, sizeof r, MSG_TIMEOUT, 0), -EFAULT);
	EXPECT_EQ(
	    raw_recv(p, (struct msg *)0xC0000000, sizeof r, MSG_TIMEOUT, 0),
	    -EFAULT);
	/* Our own text is read-only. */
	EXPECT_EQ(raw_recv(p, (struct msg *)test_ipc_bad_input, sizeof r,
			   MSG_TIMEOUT, 0),
		  -EFAULT);
	raw_recv(p, &r, sizeof r, MSG_TIMEOUT, 0); /* kept or dropped */
	EXPECT_EQ(queued_now(), 0);

	/* Dead names. */
	dead = make_dead_name(p);
	EXPECT(dead >= PORT_FIRST_FREE);
	EXPECT_EQ(port_type(dead), RIGHT_DEAD_NAME);
	msg_init(&m, dead, 1, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), -EDEADNAME);
	EXPECT_EQ(raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT), -EDEADNAME);
	EXPECT_EQ(raw_recv(dead, &r, sizeof r, MSG_TIMEOUT, 0), -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_port_make_send, dead, 0, 0, 0, 0), -EBADRIGHT);
	EXPECT_EQ(port_deallocate(dead), 0);

	/* The kernel is still fine. */
	EXPECT_EQ(send_int(p, 2, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &r), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(r.h.id, 2);
	EXPECT_EQ(port_deallocate(s), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_IPC_NO_LEAK();
}

/*
 * ipc_stress_4x2: 4 client tasks send 100,000 requests in all to 2 server
 * tasks. Clients 0 and 1 use msg_rpc and check each reply; clients 2 and
 * 3 send plain messages (and so often block on a full queue). Each server
 * counts what it got from whom, checks that each client's messages come
 * in order, and reports to the parent.
 */
#define STRESS_CLIENTS 4
#define STRESS_SERVERS 2
#define STRESS_TOTAL   100000
#define STRESS_EACH    (STRESS_TOTAL / STRESS_CLIENTS)
#define ST_PORT	       100 /* server -> parent: a send right to my port */
#define ST_REQ	       101 /* client -> server */
#define ST_REPLY       102 /* server -> client, for an rpc */
#define ST_DONE	       103 /* client -> server: no more from me */
#define ST_REPORT      104 /* server -> parent */

struct stress_req {
	int client, seq;
};

struct stress_report {
	int server;
	int count[STRESS_CLIENTS];
	unsigned sum[STRESS_CLIENTS]; /* of the sequence numbers */
	int replies, out_of_order, errors;
};

static void stress_server(int me)
{
	struct stress_report rep;
	int last[STRESS_CLIENTS], done = 0;
	struct stress_req req;
	struct msg m, r;
	port_t port = port_allocate();

	memset(&rep, 0, sizeof rep);
	rep.server = me;
	for (int i = 0; i < STRESS_CLIENTS; i++)
		last[i] = -1;
	msg_init(&m, getppid(), ST_PORT, &me, sizeof me);
	msg_add_right(&m, port, MSG_MAKE_SEND);
	EXPECT_EQ(raw_send(&m, MSG_TO_PID, 0), 0);
	while (done < STRESS_CLIENTS) {
		long n = raw_recv(port, &m, sizeof m, MSG_TIMEOUT, 20000);

		if (n < 0) {
			EXPECT_EQ(n, 0); /* says why, once */
			rep.errors++;
			break;
		}
		if (m.h.id == ST_DONE) {
			done++;
			continue;
		}
		memcpy(&req, m.body, sizeof req);
		if (m.h.id != ST_REQ || req.client < 0 ||
		    req.client >= STRESS_CLIENTS) {
			rep.errors++;
			continue;
		}
		rep.count[req.client]++;
		rep.sum[req.client] += (unsigned)req.seq;
		if (req.seq <= last[req.client])
			rep.out_of_order++;
		last[req.client] = req.seq;
		if (m.h.reply != PORT_NULL) {
			req.client = me; /* answer: who served it, and seq */
			msg_init(&r, m.h.reply, ST_REPLY, &req, sizeof req);
			if (raw_send(&r, 0, 0) == 0)
				rep.replies++;
			else
				rep.errors++;
		}
	}
	msg_init(&m, getppid(), ST_REPORT, &rep, sizeof rep);
	EXPECT_EQ(raw_send(&m, MSG_TO_PID, 0), 0);
	EXPECT_EQ(port_deallocate(port), 0);
	child_done();
}

static void stress_client(int me, const port_t *servers)
{
	struct stress_req req, ans;
	struct msg m, r;

	for (int seq = 0; seq < STRESS_EACH && !failures; seq++) {
		int to = (seq + me) % STRESS_SERVERS;

		req.client = me;
		req.seq = seq;
		msg_init(&m, servers[to], ST_REQ, &req, sizeof req);
		if (me < 2) {
			EXPECT_EQ(
			    raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT),
			    MSG_SIZE_MIN + sizeof ans);
			memcpy(&ans, r.body, sizeof ans);
			EXPECT_EQ(r.h.id, ST_REPLY);
			EXPECT_EQ(ans.seq, seq);
			EXPECT_EQ(ans.client, to);
		} else {
			EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, IPC_WAIT), 0);
		}
	}
	for (int i = 0; i < STRESS_SERVERS; i++) {
		msg_init(&m, servers[i], ST_DONE, NULL, 0);
		EXPECT_EQ(raw_send(&m, MSG_TIMEOUT, IPC_WAIT), 0);
	}
	child_done();
}

static void test_ipc_stress_4x2(void)
{
	static const unsigned want_sum =
	    (unsigned)STRESS_EACH * (STRESS_EACH - 1) / 2;
	pid_t servers[STRESS_SERVERS], clients[STRESS_CLIENTS];
	port_t sport[STRESS_SERVERS] = {PORT_NULL, PORT_NULL};
	int count[STRESS_CLIENTS] = {0}, replies = 0;
	unsigned sum[STRESS_CLIENTS] = {0};
	unsigned long t = 0;
	struct stress_report rep;
	struct msg m;

	ipc_baseline();
	for (int i = 0; i < STRESS_SERVERS; i++) {
		servers[i] = ipc_fork();
		if (servers[i] == 0)
			stress_server(i);
	}
	for (int i = 0; i < STRESS_SERVERS; i++) {
		int who;

		EXPECT_EQ(recv_wait(PORT_SELF, &m), MSG_SIZE_MIN + sizeof who);
		EXPECT_EQ(m.h.id, ST_PORT);
		EXPECT_EQ(m.h.nrights, 1);
		who = body_int(&m);
		if (who >= 0 && who < STRESS_SERVERS)
			sport[who] = m.h.rights[0].name;
	}
	EXPECT(sport[0] != PORT_NULL && sport[1] != PORT_NULL);
	t = uptime_ms();
	for (int i = 0; i < STRESS_CLIENTS; i++) {
		clients[i] = ipc_fork();
		if (clients[i] == 0)
			stress_client(i, sport);
	}
	for (int i = 0; i < STRESS_CLIENTS; i++)
		EXPECT_CHILD_OK(clients[i]);
	for (int i = 0; i < STRESS_SERVERS; i++) {
		EXPECT_EQ(raw_recv(PORT_SELF, &m, sizeof m, MSG_TIMEOUT, 30000),
			  MSG_SIZE_MIN + sizeof rep);
		EXPECT_EQ(m.h.id, ST_REPORT);
		memcpy(&rep, m.body, sizeof rep);
		EXPECT_EQ(rep.out_of_order, 0);
		EXPECT_EQ(rep.errors, 0);
		replies += rep.replies;
		for (int c = 0; c < STRESS_CLIENTS; c++) {
			count[c] += rep.count[c];
			sum[c] += rep.sum[c];
		}
	}
	printf("utest: %s: %d messages in %lu ms\n", test_name,
	       STRESS_TOTAL + replies, uptime_ms() - t);
	for (int c = 0; c < STRESS_CLIENTS; c++) {
		EXPECT_EQ(count[c], STRESS_EACH);
		EXPECT_EQ(sum[c], want_sum);
	}
	EXPECT_EQ(replies, 2 * STRESS_EACH); /* clients 0 and 1 */
	for (int i = 0; i < STRESS_SERVERS; i++) {
		EXPECT_CHILD_OK(servers[i]);
		if (sport[i] != PORT_NULL)
			EXPECT_EQ(port_deallocate(sport[i]), 0); /* dead */
	}
	EXPECT_IPC_NO_LEAK();
}

/* ---- regressions (from review) ------------------------------------- */

/* A task killed before its first instruction never runs user code. */
static void test_killed_before_first_run(void)
{
	char *argv[] = {"false", NULL};
	int status = -1;
	pid_t pid = spawn("false", argv);

	EXPECT_EQ(kill(pid), 0); /* it has not run yet: we hold the CPU */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status)); /* not false's exit(1) */
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

/* waitpid with a bad status pointer fails without losing the child. */
static void test_waitpid_bad_status_keeps_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		exit(3);
	sleep_ms(20);
	EXPECT_EQ(sys_raw(SYS_waitpid, pid, 0xC0000000, 0, 0, 0), -EFAULT);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 3);
}

static void test_kill_tree_counts_once(void)
{
	int status;
	pid_t a = fork();

	if (a == 0)
		sleep_forever();
	EXPECT_EQ(kill_tree(a), 1);
	EXPECT_EQ(kill_tree(a), 0); /* already killed: nothing new */
	EXPECT_EQ(waitpid(a, &status, 0), a);
}

static void no_senders_without_notify(void)
{
	long n;

	sys_raw(SYS_port_deallocate, PORT_NOTIFY, 0, 0, 0, 0);
	n = sys_raw(SYS_port_allocate, 0, 0, 0, 0, 0);
	exit(sys_raw(SYS_port_request, n, PORT_REQUEST_NO_SENDERS, 0, 0, 0) ==
		     -EINVAL
		 ? 0
		 : 1);
}

/* Asking for a notification with no Notify port is an error, not a crash. */
static void test_notify_request_without_notify_port(void)
{
	int status = in_child(no_senders_without_notify);

	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* Heap bytes given back and taken again read as zero. */
static void test_sbrk_regrow_is_zeroed(void)
{
	char *p = (char *)sbrk(100);

	memset(p, 'x', 100);
	sbrk(-100);
	p = (char *)sbrk(100);
	EXPECT_EQ(p[0], 0);
	EXPECT_EQ(p[99], 0);
	sbrk(-100);
}

/* `kill -m PID` ends a task with a message to its Kernel port. */
static void test_kill_by_message(void)
{
	static char pidbuf[16];
	char *spin_argv[] = {"spin", "100000", NULL};
	char *kill_argv[] = {"kill", "-m", pidbuf, NULL};
	int status;
	pid_t victim = spawn("spin", spin_argv), killer;

	take_baseline();
	snprintf(pidbuf, sizeof pidbuf, "%d", victim);
	killer = spawn("kill", kill_argv);
	EXPECT_EQ(waitpid(killer, &status, 0), killer);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(waitpid(victim, &status, 0), victim);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

/* ---- robustness: the fuzzer and exhaustion ---------------------------- */

#ifndef SYS_kcheck
#define SYS_kcheck (-2) /* not in this kernel */
#endif

/* The kernel's own invariant check (kernel/check.c): its problem count. */
static long kcheck(void)
{
	return SYS_kcheck < 0 ? 0 : sys_raw(SYS_kcheck, 0, 0, 0, 0, 0);
}

/* Print every task (for a test that finds tasks left over). */
static void show_tasks(void)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++)
		printf(
		    "utest: %s: left: pid %d ppid %d state %d wait '%s' %s\n",
		    test_name, info[i].pid, info[i].ppid, info[i].state,
		    info[i].wait, info[i].name);
}

/* Wait (at most ~3 s) until init has reaped the orphans of a test, i.e.
 * the task count is back at the baseline. */
static void settle(void)
{
	struct mica_memstat now;

	for (int i = 0; i < 300; i++) {
		memstat(&now);
		if (now.tasks <= baseline.tasks)
			return;
		sleep_ms(10);
	}
	show_tasks();
}

/* Run `sysfuzz seed count` and check that it finished cleanly. */
static void fuzz_seed(unsigned seed, unsigned count)
{
	char sbuf[16], cbuf[16];
	char *argv[] = {"sysfuzz", sbuf, cbuf, "4", NULL};
	int status = -1;
	pid_t pid;

	snprintf(sbuf, sizeof sbuf, "%u", seed);
	snprintf(cbuf, sizeof cbuf, "%u", count);
	pid = spawn("sysfuzz", argv);
	EXPECT(pid > 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(kcheck(), 0); /* between seeds: the kernel is consistent */
}

#define FUZZ_CALLS 50000

static void fuzz_seeds(unsigned first, unsigned n)
{
	unsigned long t = uptime_ms();

	ipc_baseline();
	for (unsigned s = first; s < first + n; s++)
		fuzz_seed(s, FUZZ_CALLS);
	settle();
	printf("utest: %s: %u calls in %lu ms\n", test_name, n * FUZZ_CALLS,
	       uptime_ms() - t);
	EXPECT_IPC_NO_LEAK();
}

/* 4 seeds x 50,000 random system calls: no panic, no hang, no leak. */
static void test_fuzz_200k(void)
{
	fuzz_seeds(1, 4);
}

/*
 * Exhaustion: a child takes all of one resource and reports (by message,
 * to our PORT_SELF) how far it got and how it was stopped; meanwhile the
 * system still works; when the child is killed, everything comes back.
 */
#define ID_HOG_REPORT 0x40C
#define SPACE_MAX     4096 /* kernel/ipc/port.c: names per task */

struct hog_report {
	int count; /* how many it got */
	int err;   /* the error that stopped it */
	int again; /* after giving one back: the next try's result */
};

static void hog_report(int count, int err, int again)
{
	struct hog_report r = {count, err, again};
	struct msg m;

	msg_init(&m, getppid(), ID_HOG_REPORT, &r, sizeof r);
	raw_send(&m, MSG_TO_PID | MSG_TIMEOUT, IPC_WAIT);
}

/* Allocate ports until the kernel says no. */
static void port_hog(void)
{
	static port_t names[SPACE_MAX + 16];
	int n = 0;
	long r;

	while (n < SPACE_MAX + 16 &&
	       (r = sys_raw(SYS_port_allocate, 0, 0, 0, 0, 0)) > 0)
		names[n++] = r;
	/* Give one back: the next allocation must work again. */
	if (n > 0)
		sys_raw(SYS_port_deallocate, names[n - 1], 0, 0, 0, 0);
	hog_report(n, (int)r, (int)sys_raw(SYS_port_allocate, 0, 0, 0, 0, 0));
	sleep_forever();
}

/* Queue messages of `size` bytes to a port of our own until refused. */
static void message_flood(unsigned size)
{
	static struct msg m;
	port_t p = port_allocate();
	int n = 0;
	long r;

	port_make_send(p);
	port_set_qlimit(p, PORT_QLIMIT_MAX);
	msg_init(&m, p, 7, NULL, size - MSG_SIZE_MIN);
	while (n < 100000 && (r = raw_send(&m, MSG_TIMEOUT, 0)) == 0)
		n++;
	/* Take one out: one more fits again. */
	raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0);
	msg_init(&m, p, 7, NULL, size - MSG_SIZE_MIN);
	hog_report(n, (int)r, (int)raw_send(&m, MSG_TIMEOUT, 0));
	sleep_forever();
}

static void flood_big(void)
{
	message_flood(MSG_SIZE_MAX);
}

static void flood_small(void)
{
	message_flood(MSG_SIZE_MIN);
}

/* Run hog in a child; while it holds everything, spawn `true`; kill it.
 * Returns its report (count -1 if none came). */
static struct hog_report run_hog(void (*hog)(void), struct mica_memstat *held)
{
	struct hog_report rep = {-1, 0, 0};
	char *argv[] = {"true", NULL};
	int status = -1;
	struct msg m;
	pid_t pid, t;

	pid = fork();
	if (pid == 0)
		hog();
	EXPECT(pid > 0);
	if (recv_wait(PORT_SELF, &m) == MSG_SIZE_MIN + sizeof rep &&
	    m.h.id == ID_HOG_REPORT && m.h.sender == pid)
		memcpy(&rep, m.body, sizeof rep);
	memstat(held);
	t = spawn("true", argv); /* the rest of the system still works */
	EXPECT(t > 0);
	EXPECT_EQ(waitpid(t, &status, 0), t);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(getpriority(0), 16); /* and answers */
	EXPECT_EQ(kill(pid), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	EXPECT_EQ(kcheck(), 0);
	return rep;
}

/* A task that allocates ports without end stops at its name space's
 * limit with -ENOSPC; its ports all go when it dies. */
static void test_exhaust_ports(void)
{
	struct mica_memstat held;
	struct hog_report r;

	ipc_baseline();
	r = run_hog(port_hog, &held);
	/* Names 4 .. SPACE_MAX - 1: the rest are the well-known ones. */
	EXPECT_EQ(r.count, SPACE_MAX - PORT_FIRST_FREE);
	EXPECT_EQ(r.err, -ENOSPC);
	EXPECT(r.again > 0);
	EXPECT((long)held.ports - (long)baseline.ports >= r.count);
	printf("utest: %s: %d ports, then %d; %u ports held\n", test_name,
	       r.count, r.err, held.ports);
	EXPECT_IPC_NO_LEAK();
}

/* Big messages to one's own port: the per-task cap of queued bytes
 * (IPC_TASK_QUEUED_MAX) stops the flood with -ENOBUFS; small ones fill
 * the queue (PORT_QLIMIT_MAX) first: -EWOULDBLOCK. All freed at death. */
static void test_exhaust_messages(void)
{
	struct mica_memstat held;
	struct hog_report r;

	ipc_baseline();
	r = run_hog(flood_big, &held);
	EXPECT_EQ(r.count, IPC_TASK_QUEUED_MAX / MSG_SIZE_MAX);
	EXPECT_EQ(r.err, -ENOBUFS);
	EXPECT_EQ(r.again, 0);
	EXPECT_EQ((long)held.messages - (long)baseline.messages, r.count);
	printf("utest: %s: %d messages of %u bytes, then %d\n", test_name,
	       r.count, MSG_SIZE_MAX, r.err);
	EXPECT_IPC_NO_LEAK();

	r = run_hog(flood_small, &held);
	EXPECT_EQ(r.count, PORT_QLIMIT_MAX);
	EXPECT_EQ(r.err, -EWOULDBLOCK);
	EXPECT_EQ(r.again, 0);
	EXPECT_EQ((long)held.messages - (long)baseline.messages, r.count);
	printf("utest: %s: %d messages of %u bytes, then %d\n", test_name,
	       r.count, MSG_SIZE_MIN, r.err);
	EXPECT_IPC_NO_LEAK();
}

/*
 * Found by sysfuzz (seed 14 on the UBSan kernel: a kernel panic, NULL
 * dereference in ipc_entry_drop from commit_rights): one message that
 * takes a right out of a name and then uses the same name again (as a
 * send-once destination, the reply, or another right). The kernel must
 * refuse it (-EINVAL) and stay whole.
 */
static long send_with(port_t dest, port_t reply, uint32_t reply_disp,
		      int nrights, port_t n0, uint32_t d0, port_t n1,
		      uint32_t d1)
{
	struct msg m;

	msg_init(&m, dest, 99, NULL, 0);
	m.h.reply = reply;
	m.h.reply_disposition = reply_disp;
	m.h.nrights = nrights;
	m.h.rights[0].name = n0;
	m.h.rights[0].disposition = d0;
	m.h.rights[1].name = n1;
	m.h.rights[1].disposition = d1;
	return raw_send(&m, MSG_TIMEOUT, 0);
}

static void test_ipc_same_name_twice(void)
{
	port_t p, q, once;

	ipc_baseline();
	p = port_allocate();
	q = port_allocate();
	EXPECT_EQ(port_make_send(q), 0); /* dest for most cases below */
	EXPECT_EQ(port_set_qlimit(q, PORT_QLIMIT_MAX), 0);

	/* The send-once destination moved again as the reply, or as a
	 * right: the seed-14 panic. */
	once = port_make_send_once(p);
	EXPECT(once > 0);
	EXPECT_EQ(send_with(once, once, MSG_MOVE_SEND_ONCE, 0, 0, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(
	    send_with(once, PORT_NULL, 0, 1, once, MSG_MOVE_SEND_ONCE, 0, 0),
	    -EINVAL);
	EXPECT_EQ(port_type(once), RIGHT_SEND_ONCE); /* nothing was taken */
	/* Moved as the reply and as a right. */
	EXPECT_EQ(send_with(q, once, MSG_MOVE_SEND_ONCE, 1, once,
			    MSG_MOVE_SEND_ONCE, 0, 0),
		  -EINVAL);
	/* A receive right moved, then a right made from the same name. */
	EXPECT_EQ(send_with(q, PORT_NULL, 0, 2, p, MSG_MOVE_RECEIVE, p,
			    MSG_MAKE_SEND),
		  -EINVAL);
	EXPECT_EQ(
	    send_with(q, p, MSG_MOVE_RECEIVE, 1, p, MSG_MAKE_SEND_ONCE, 0, 0),
	    -EINVAL);
	/* The only send right moved, then copied. */
	EXPECT_EQ(port_make_send(p), 0); /* p: receive and one send right */
	EXPECT_EQ(
	    send_with(q, PORT_NULL, 0, 2, p, MSG_MOVE_SEND, p, MSG_COPY_SEND),
	    -EINVAL);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE | RIGHT_SEND);
	EXPECT_EQ(port_type(once), RIGHT_SEND_ONCE);
	EXPECT_EQ(kcheck(), 0);
	/* Still usable as before: the send-once right, once. */
	EXPECT_EQ(send_int(once, 5, 0, 0), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	EXPECT_IPC_NO_LEAK();
}

/* ---- the table ------------------------------------------------------- */

static const struct utest tests[] = {
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
    {"killed_before_first_run", test_killed_before_first_run},
    {"waitpid_bad_status_keeps_child", test_waitpid_bad_status_keeps_child},
    {"kill_tree_counts_once", test_kill_tree_counts_once},
    {"notify_request_without_notify_port",
     test_notify_request_without_notify_port},
    {"sbrk_regrow_is_zeroed", test_sbrk_regrow_is_zeroed},
    {"kill_by_message", test_kill_by_message},
    /* ports and messages */
    {"ipc_send_receive_basic", test_ipc_send_receive_basic},
    {"ipc_rights_transfer", test_ipc_rights_transfer},
    {"ipc_dead_names_and_notifications", test_ipc_dead_names_and_notifications},
    {"ipc_rendezvous", test_ipc_rendezvous},
    {"ipc_full_queue_choices", test_ipc_full_queue_choices},
    {"ipc_receive_timeout", test_ipc_receive_timeout},
    {"ipc_port_sets", test_ipc_port_sets},
    {"ipc_direct_by_pid", test_ipc_direct_by_pid},
    {"ipc_emsgsize", test_ipc_emsgsize},
    {"ipc_kernel_port", test_ipc_kernel_port},
    {"ipc_fork_inheritance", test_ipc_fork_inheritance},
    {"ipc_cleanup_on_exit", test_ipc_cleanup_on_exit},
    {"ipc_bad_input", test_ipc_bad_input},
    {"ipc_stress_4x2", test_ipc_stress_4x2},
    /* robustness */
    {"fuzz_200k", test_fuzz_200k},
    {"exhaust_ports", test_exhaust_ports},
    {"exhaust_messages", test_exhaust_messages},
    {"ipc_same_name_twice", test_ipc_same_name_twice},
};
#define NTESTS (sizeof tests / sizeof tests[0])

/* The tests other files register with UTEST() (tests/utest.h). */
extern const struct utest __start_utests[], __stop_utests[];

static int run(const struct utest *t)
{
	char touch[16384];

	/* Fault in the stack once, so later baselines do not see it grow. */
	memset(touch, 0, sizeof touch);
	test_name = t->name;
	failures = 0;
	printf("utest: %s: start\n", test_name);
	t->fn();
	if (failures)
		printf("utest: %s: FAIL (%d failed checks)\n", test_name,
		       failures);
	else
		printf("utest: %s: PASS\n", test_name);
	return touch[0] + (failures != 0);
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "all") == 0)
		return true;
	for (int a = 1; a < argc; a++)
		if (strcmp(argv[a], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	bool list = argc > 1 && strcmp(argv[1], "list") == 0;
	int failed = 0;

	for (unsigned i = 0; i < NTESTS; i++) {
		const struct utest *t = &tests[i];

		if (list)
			printf("utest-list: %s\n", t->name);
		else if (wanted(t->name, argc, argv))
			failed += run(t);
	}
	for (const struct utest *t = __start_utests; t < __stop_utests; t++) {
		if (list)
			printf("utest-list: %s\n", t->name);
		else if (wanted(t->name, argc, argv))
			failed += run(t);
	}
	if (list)
		printf("utest-list: end\n");
	return failed ? 1 : 0;
}
