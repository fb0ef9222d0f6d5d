/*
 * sysfuzz - throw random system calls at the kernel.
 *
 *     sysfuzz SEED COUNT [TASKS]
 *
 * Starts TASKS worker tasks (default 4) that between them make COUNT
 * system calls: every number in include/mica/syscall.h and a few invalid
 * ones, with arguments drawn from classes that find bugs (0, small ints,
 * -1, huge values, pointers into unmapped memory, into the kernel, into
 * our own read-only text, valid buffers on the stack and the heap, ranges
 * that cross into an unmapped page; port names, rights and dispositions;
 * pids; message headers with random sizes, rights and dispositions).
 * Workers also fork, spawn, suspend and kill children along the way.
 *
 * Each worker's choices come from its own xorshift generator, seeded from
 * SEED, its index and how often it was restarted, so a seed always makes
 * the same calls in the same order (results may differ with timing).
 *
 * A worker may die of its own calls (the kernel writing a ps snapshot over
 * its stack, say): that is expected. The parent counts it as a fault and
 * starts the worker again until its share of COUNT is spent. Workers
 * report progress to the parent by message (MSG_TO_PID) every 64 calls.
 *
 * What the workers never do, so that a run ends by itself: exit (except at
 * the end), poweroff, kill pid 1 or the parent, suspend anything but their
 * own child (resumed or killed at once), wait without WNOHANG or a timeout
 * of a few ms, sleep more than a few ms, read the console, exec a valid
 * program (except in a child).
 *
 * The last line is "sysfuzz: seed S: N calls, F faults, done"; the exit
 * status is 0, or 1 if something was wrong (the kernel's invariant check
 * failed, a worker could not be started, or a worker vanished oddly).
 */
#include <errno.h>
#include <ipc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mica/syscall.h>

#define MAX_TASKS      16
#define MAX_KIDS       4
#define MAX_NAMES      32
#define MAX_FDS	       8
#define HEAP_SCRATCH   (64 * 1024)
#define REPORT_EVERY   64
#define ID_PROGRESS    0x5F5A0001 /* worker -> parent: calls made so far */
#define WORKER_DONE    77	  /* a worker's exit status: budget spent */
#define WORKER_TIMEOUT 78	  /* ... or out of time (progress counts) */
#define WORKER_SECONDS 120	  /* a worker that runs longer stops */
#define NO_PID	       30000

#ifndef SYS_kcheck
#define SYS_kcheck (-2) /* not in this kernel: the call is skipped */
#endif

/* ---- the generator ---------------------------------------------------- */

static uint32_t rs; /* xorshift32 state: never 0 */

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 17;
	rs ^= rs << 5;
	return rs;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int one_in(uint32_t n)
{
	return below(n) == 0;
}

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static void seed_rng(uint32_t seed, uint32_t worker, uint32_t run)
{
	rs = mix(seed * 0x9E3779B9u ^ mix(worker + 1) ^ mix(run * 7919 + 3));
	if (!rs)
		rs = 0x12345678;
}

/* ---- what a worker keeps track of ------------------------------------- */

static pid_t top_pid;	     /* the parent of all workers */
static int is_kid;	     /* this task is a worker's child */
static pid_t kids[MAX_KIDS]; /* children not yet reaped */
static int nkids;
static port_t names[MAX_NAMES]; /* names the kernel handed us */
static int nnames;
static int fds[MAX_FDS];
static int nfds;
static char *heap; /* HEAP_SCRATCH bytes ending at the break */
static int grown;  /* bytes our random sbrk calls added */
static unsigned long calls;

static const char *const progs[] = {"true", "false", "echo", "hello"};
static const char *const files[] = {
    "motd", "true", "nosuch", "", "/motd", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o"};

/* A new descriptor (>= 3) a call made: keep it to use and close later,
 * or close it now if we keep enough already. */
static void keep_fd(long r)
{
	if (r < 3)
		return;
	for (int i = 0; i < nfds; i++)
		if (fds[i] == r)
			return;
	if (nfds < MAX_FDS)
		fds[nfds++] = r;
	else
		sys_raw(SYS_close, r, 0, 0, 0, 0);
}

/* A descriptor to copy from or onto: never the console (0, 1, 2). A
 * copy of it at fd 3 and up would make a later read wait for a key, and
 * a pipe's descriptor over 1 would make our children's printf wait for
 * a server that is not one. */
static int not_console(int fd)
{
	return fd >= 0 && fd <= 2 ? 3 + (int)below(13) : fd;
}

static void add_kid(pid_t pid)
{
	if (pid > 0 && nkids < MAX_KIDS)
		kids[nkids++] = pid;
}

static void forget_kid(pid_t pid)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			return;
		}
}

static void add_name(long n)
{
	if (n <= 0)
		return;
	if (nnames < MAX_NAMES)
		names[nnames++] = (port_t)n;
	else
		names[below(MAX_NAMES)] = (port_t)n;
}

/* ---- argument classes ------------------------------------------------- */

static uint32_t esp_now(void)
{
	uint32_t esp;

	asm volatile("movl %%esp, %0" : "=r"(esp));
	return esp;
}

static uint32_t any_int(void)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return below(16);
	case 3:
		return below(256);
	case 4:
		return 0xFFFFFFFF; /* -1 */
	case 5:
		return 0x7FFFFFFF;
	case 6:
		return 0x80000000;
	case 7:
		return 4096 + below(2);
	case 8:
		return -(int32_t)below(8);
	case 9:
		return 0xC0000000;
	default:
		return rnd();
	}
}

static uint32_t any_len(void)
{
	static const uint32_t lens[] = {
	    0,		1,	    4,		16,   28,   64,
	    255,	256,	    4095,	4096, 4097, 0x10000,
	    0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1024};

	return one_in(3) ? below(128) : lens[below(sizeof lens / 4)];
}

/*
 * A pointer. stack is a writable buffer in the caller's frame (the kernel
 * may write past its end and kill us: expected).
 */
static uint32_t ptr_of_class(unsigned cls, char *stack, uint32_t stack_len)
{
	switch (cls) {
	case 0:
		return 0;
	case 1:
		return 1 + below(4095); /* page 0 */
	case 2:
		return one_in(2) ? 0xFFFFFFFF : 0xFFFFF000 + below(4096);
	case 3: /* the kernel */
		return 0xC0000000 + below(0x00400000);
	case 4: { /* unmapped user memory */
		static const uint32_t holes[] = {0x00001000, 0x00400000,
						 0x40000000, 0x7FFFF000,
						 0xA0000000, 0xBF000000};
		return holes[below(6)] + below(4096);
	}
	case 5: /* our own read-only text */
		return (uint32_t)ptr_of_class + below(512);
	case 6: /* crossing from the stack into the unmapped top page */
		return 0xBFFFF000 - below(64);
	case 7: /* crossing from the heap into unmapped memory */
		return (uint32_t)heap + HEAP_SCRATCH - below(64);
	case 8:
	case 9: /* the heap */
		return (uint32_t)heap + below(HEAP_SCRATCH);
	case 10: /* our stack buffer */
		return (uint32_t)stack + below(stack_len / 2);
	case 11: /* unused stack below us (maps on demand) */
		return esp_now() - 2048 - below(200000);
	case 12: /* the stack guard gap */
		return 0xBFFFF000 - (1u << 20) - below(64 << 10);
	default:
		return rnd();
	}
}

static uint32_t any_ptr(char *stack, uint32_t stack_len)
{
	return ptr_of_class(below(14), stack, stack_len);
}

/* A pointer for a program's path: never into memory we write (a readdir
 * entry there could name a real program, "sh" say, which would run). */
static uint32_t path_ptr(void)
{
	switch (below(4)) {
	case 0:
		return (uint32_t)files[below(sizeof files / sizeof files[0])];
	default: { /* any class but the heap, the stack, our text (its
		    * bytes can spell "sh", which would sit reading the
		    * console) and at random */
		static const unsigned cls[] = {0, 1, 2, 3, 4, 6, 12};

		return ptr_of_class(cls[below(7)], NULL, 0);
	}
	}
}

static port_t any_name(void)
{
	switch (below(10)) {
	case 0:
		return PORT_NULL;
	case 1:
		return 1 + below(3); /* Kernel, Notify, self */
	case 2:
	case 3:
	case 4:
		return nnames ? names[below(nnames)] : 4;
	case 5:
		return 4 + below(40);
	case 6:
		return one_in(2) ? -1 : 0x7FFFFFFF;
	case 7:
		return 4095 + below(3);
	case 8:
		return 9999;
	default:
		return (port_t)rnd();
	}
}

static uint32_t any_disposition(void)
{
	static const uint32_t bad[] = {0, 15, 22, 99, 0xFFFFFFFF, 0x80000010};

	return one_in(5) ? bad[below(6)] : MSG_MOVE_RECEIVE + below(6);
}

/* A pid that may safely be hit by kill, task_for_pid and friends: a
 * child, ourselves (only if self_ok), or no task at all. */
static int32_t target_pid(int self_ok)
{
	static const int32_t none[] = {
	    0, -1, NO_PID, 32767, 32768, 0x7FFFFFFF, (int32_t)0x80000000};

	if (nkids && one_in(2))
		return kids[below(nkids)];
	if (self_ok && one_in(6))
		return getpid();
	return none[below(7)];
}

/* Any pid, for calls that only look (getpriority, waitpid). */
static int32_t look_pid(void)
{
	switch (below(4)) {
	case 0:
		return 1;
	case 1:
		return getppid();
	default:
		return target_pid(1);
	}
}

static int32_t any_msg_id(void)
{
	static const int32_t ids[] = {0,
				      1,
				      42,
				      -1,
				      KERNEL_TASK_INFO,
				      KERNEL_TASK_INFO,
				      KERNEL_TASK_RESUME,
				      KERNEL_TASK_INFO + KERNEL_REPLY_OFFSET,
				      NOTIFY_DEAD_NAME,
				      NOTIFY_MSG_ACCEPTED,
				      0x7FFFFFFF,
				      ID_PROGRESS};

	/* KERNEL_TASK_SUSPEND is never sent at random: to our own Kernel
	 * port it would stop us for good. TERMINATE only rarely (it kills). */
	if (one_in(400))
		return KERNEL_TASK_TERMINATE;
	return one_in(4) ? (int32_t)rnd() : ids[below(12)];
}

/* A message with a random header at a writable place (or at any pointer
 * for sends, which only read it): returns its address. */
static uint32_t any_msg(char *stack, uint32_t stack_len, int for_send,
			unsigned options)
{
	struct msg_header h;
	uint32_t at;

	if (one_in(5))
		return any_ptr(stack, stack_len);
	memset(&h, 0, sizeof h);
	switch (below(8)) {
	case 0:
		h.size = below(MSG_SIZE_MIN);
		break;
	case 1:
		h.size = MSG_SIZE_MAX + below(2);
		break;
	case 2:
		h.size = any_int();
		break;
	default:
		h.size = MSG_SIZE_MIN + below(64);
		break;
	}
	h.dest = options & MSG_TO_PID ? target_pid(1) : any_name();
	if (one_in(2)) {
		h.reply = any_name();
		h.reply_disposition =
		    one_in(2) ? MSG_MAKE_SEND_ONCE : any_disposition();
	}
	h.id = any_msg_id();
	h.sender = one_in(2) ? 0 : target_pid(1);
	h.nrights = one_in(2) ? 0 : one_in(8) ? any_int() : below(6);
	for (int i = 0; i < MSG_RIGHTS_MAX; i++) {
		h.rights[i].name = any_name();
		h.rights[i].disposition = any_disposition();
	}
	/* Where: the heap (sometimes so the body runs off its end), the
	 * stack buffer, or (sends only) our read-only text as it is. */
	switch (below(for_send ? 5 : 4)) {
	case 0:
		at = (uint32_t)heap + HEAP_SCRATCH - sizeof h - below(64);
		break;
	case 1:
	case 2:
		at = (uint32_t)heap + below(HEAP_SCRATCH - MSG_SIZE_MAX);
		break;
	case 3:
		at = (uint32_t)stack;
		break;
	default:
		return (uint32_t)any_ptr + below(256);
	}
	memcpy((void *)at, &h, sizeof h);
	return at;
}

static uint32_t small_timeout(void)
{
	return below(4); /* ms */
}

/* ---- children --------------------------------------------------------- */

static void fuzz_one(void);

/* A forked child: something short, then exit. Never lingers. */
static void __attribute__((noreturn)) kid_life(void)
{
	unsigned long start = uptime_ms();
	struct msg m;

	is_kid = 1;
	nkids = 0;
	switch (below(6)) {
	case 0:
		exit(below(256));
	case 1:
		sleep_ms(1 + below(5));
		exit(0);
	case 2:
		for (int i = 0, n = below(20); i < n; i++)
			fuzz_one();
		exit(1);
	case 3:
		sys_raw(SYS_msg_receive, PORT_SELF, (long)&m, sizeof m,
			MSG_TIMEOUT, 20);
		exit(2);
	case 4:
		while (uptime_ms() < start + 10)
			;
		exit(3);
	default: {
		char *argv[] = {(char *)progs[below(4)], "x", NULL};

		exec(argv[0], argv);
		exit(4);
	}
	}
}

/* Reap what has ended, without waiting. */
static void reap_some(void)
{
	int status;
	pid_t pid;

	while ((pid = (pid_t)sys_raw(SYS_waitpid, -1, (long)&status, WNOHANG, 0,
				     0)) > 0)
		forget_kid(pid);
}

/* Kill every child and reap it (and any other child), bounded. */
static void reap_all(void)
{
	for (int i = 0; i < nkids; i++)
		sys_raw(SYS_kill, kids[i], 0, 0, 0, 0);
	for (int tries = 0; tries < 2000; tries++) {
		int status;
		long pid =
		    sys_raw(SYS_waitpid, -1, (long)&status, WNOHANG, 0, 0);

		if (pid > 0) {
			forget_kid(pid);
			continue;
		}
		if (pid < 0) /* -ECHILD: nothing left */
			break;
		for (int i = 0; i < nkids; i++) /* a kid we lost the pid of */
			sys_raw(SYS_kill, kids[i], 0, 0, 0, 0);
		sleep_ms(2);
	}
	nkids = 0;
}

/* Fork a child, suspend it through its Kernel port, then resume or kill
 * it: suspension is never left behind. */
static void suspend_a_kid(void)
{
	struct msg m, r;
	long k;

	if (!nkids)
		return;
	k = sys_raw(SYS_task_for_pid, kids[below(nkids)], 0, 0, 0, 0);
	if (k <= 0)
		return;
	msg_init(&m, k, KERNEL_TASK_SUSPEND, NULL, 0);
	sys_raw(SYS_msg_rpc, (long)&m, (long)&r, sizeof r, MSG_TIMEOUT, 10);
	sleep_ms(below(3));
	msg_init(&m, k, one_in(2) ? KERNEL_TASK_RESUME : KERNEL_TASK_TERMINATE,
		 NULL, 0);
	sys_raw(SYS_msg_rpc, (long)&m, (long)&r, sizeof r, MSG_TIMEOUT, 10);
	sys_raw(SYS_port_deallocate, k, 0, 0, 0, 0);
}

/* ---- one random call -------------------------------------------------- */

static long call(long n, long a, long b, long c, long d, long e)
{
	calls++;
	return sys_raw(n, a, b, c, d, e);
}

static uint32_t msg_options(void)
{
	uint32_t o = MSG_TIMEOUT; /* always: a call never waits for long */

	if (one_in(6))
		o |= MSG_NOTIFY;
	if (one_in(6))
		o |= MSG_TO_PID;
	if (one_in(6))
		o |= MSG_FROM_PID;
	if (one_in(20))
		o |= rnd() & ~0xFu;
	return o;
}

static void fuzz_one(void)
{
	char sbuf[2048];
	uint32_t nr = below(NR_SYSCALLS + 4);
	long r;

	if (one_in(3)) /* stale bytes of earlier calls, not zeroes */
		memset(sbuf, below(256), sizeof sbuf);
	switch (nr) {
	case SYS_exit: /* never: but an invalid number instead */
		call(NR_SYSCALLS + below(3), any_int(), any_int(), 0, 0, 0);
		break;
	case SYS_fork:
		if (is_kid || nkids >= MAX_KIDS || !one_in(4)) {
			reap_some();
			break;
		}
		r = call(SYS_fork, 0, 0, 0, 0, 0);
		if (r == 0)
			kid_life();
		add_kid(r);
		break;
	case SYS_exec: {
		/* A valid program only with an argv that must fail, and only
		 * as a child would (a worker must not be replaced). */
		char *big[MICA_ARG_MAX + 2];
		uint32_t path = path_ptr();
		uint32_t argv;

		for (int i = 0; i < MICA_ARG_MAX + 1; i++)
			big[i] = "x";
		big[MICA_ARG_MAX + 1] = NULL;
		if (one_in(3)) {
			argv = (uint32_t)big; /* E2BIG */
		} else {
			argv = 0xC0000000 + below(0x1000);
			if (one_in(2))
				path = (uint32_t)progs[below(4)];
		}
		call(SYS_exec, path, argv, 0, 0, 0);
		break;
	}
	case SYS_spawn: {
		char *argv[] = {(char *)progs[below(4)], NULL, NULL};

		if (is_kid || nkids >= MAX_KIDS || one_in(2)) {
			r = call(SYS_spawn, path_ptr(), (long)argv, 0, 0, 0);
		} else {
			if (one_in(3)) { /* not echo: it would print it */
				argv[0] = "true";
				argv[1] = (char *)any_ptr(sbuf, sizeof sbuf);
			}
			uint32_t av = (uint32_t)argv;

			if (one_in(4)) { /* true: echo would print it */
				argv[0] = "true";
				av = any_ptr(sbuf, sizeof sbuf);
			}
			r = call(SYS_spawn, (long)argv[0], av, 0, 0, 0);
		}
		add_kid(r);
		break;
	}
	case SYS_waitpid:
		r = call(SYS_waitpid, look_pid(),
			 one_in(3) ? 0 : any_ptr(sbuf, sizeof sbuf),
			 WNOHANG | (one_in(8) ? rnd() : 0), 0, 0);
		if (r > 0)
			forget_kid(r);
		break;
	case SYS_sleep:
		call(SYS_sleep, one_in(4) ? 86400001 + below(10) : below(4), 0,
		     0, 0, 0);
		break;
	case SYS_write: {
		int fd = one_in(3) ? (int)(1 + below(2)) : (int)any_int();
		uint32_t len = any_len();

		if (fd >= 0 && fd <= 2) /* the console: keep it readable */
			len = below(4);
		call(SYS_write, fd, any_ptr(sbuf, sizeof sbuf), len, 0, 0);
		break;
	}
	case SYS_read: {
		int fd = nfds && one_in(2) ? fds[below(nfds)] : (int)any_int();

		if (fd >= 0 && fd <= 2)
			fd = 3 + below(14); /* never the console: it waits */
		call(SYS_read, fd, any_ptr(sbuf, sizeof sbuf), any_len(), 0, 0);
		break;
	}
	case SYS_open: {
		uint32_t path = one_in(2)
				    ? (uint32_t)files[below(sizeof files / 4)]
				    : any_ptr(sbuf, sizeof sbuf);

		r = call(SYS_open, path, one_in(4) ? any_int() : O_RDONLY, 0, 0,
			 0);
		if (r >= 3 && nfds < MAX_FDS)
			fds[nfds++] = r;
		else if (r >= 3)
			call(SYS_close, r, 0, 0, 0, 0);
		break;
	}
	case SYS_close: {
		int fd;

		if (nfds && one_in(2)) {
			int i = below(nfds);

			fd = fds[i];
			fds[i] = fds[--nfds];
		} else {
			fd = any_int();
			if (fd >= 0 && fd <= 2)
				fd = -1; /* keep the console */
			for (int i = 0; i < nfds; i++)
				if (fds[i] == fd)
					fd = -1;
		}
		call(SYS_close, fd, 0, 0, 0, 0);
		break;
	}
	case SYS_dup:
		keep_fd(call(SYS_dup,
			     not_console(nfds && one_in(2) ? fds[below(nfds)]
							   : (int)any_int()),
			     0, 0, 0, 0));
		break;
	case SYS_dup2:
		keep_fd(call(SYS_dup2,
			     not_console(nfds && one_in(2) ? fds[below(nfds)]
							   : (int)any_int()),
			     not_console(one_in(2) ? 3 + (int)below(14)
						   : (int)any_int()),
			     0, 0, 0));
		break;
	case SYS_fd_attach: /* read and write on it only say -EREMOTE */
		keep_fd(call(SYS_fd_attach, any_name(), 0, 0, 0, 0));
		break;
	case SYS_readdir:
		call(SYS_readdir, one_in(2) ? below(30) : any_int(),
		     any_ptr(sbuf, sizeof sbuf), 0, 0, 0);
		break;
	case SYS_sbrk: {
		static const int32_t huge[] = {0x7FFFFFFF, 0x40000000,
					       -0x10000000, -0x7FFFFFFF,
					       (int32_t)0x80000000};
		int32_t inc;

		if (one_in(3))
			inc = huge[below(5)];
		else if (grown > (1 << 20) || (grown && one_in(2)))
			inc = -(int32_t)below(grown + 1);
		else
			inc = below(3 * 4096);
		r = call(SYS_sbrk, inc, 0, 0, 0, 0);
		if (r >= 0 && r != -1)
			grown += inc;
		break;
	}
	case SYS_kill:
		r = target_pid(0);
		if (one_in(50))
			r = getpid(); /* dying is allowed: we are restarted */
		call(SYS_kill, r, 0, 0, 0, 0);
		break;
	case SYS_kill_tree:
		call(SYS_kill_tree, one_in(4) ? getpid() : target_pid(0), 0, 0,
		     0, 0);
		break;
	case SYS_setpriority:
		call(SYS_setpriority, one_in(2) ? 0 : target_pid(1),
		     one_in(2) ? below(32) : any_int(), 0, 0, 0);
		break;
	case SYS_getpriority:
		call(SYS_getpriority, look_pid(), 0, 0, 0, 0);
		break;
	case SYS_ps:
		call(SYS_ps, any_ptr(sbuf, sizeof sbuf),
		     one_in(2) ? below(8) : any_int(), 0, 0, 0);
		break;
	case SYS_memstat:
		call(SYS_memstat, any_ptr(sbuf, sizeof sbuf), 0, 0, 0, 0);
		break;
	case SYS_poweroff: /* never: SYS_kcheck instead, when it exists */
		if (SYS_kcheck >= 0 && one_in(16))
			call(SYS_kcheck, 0, 0, 0, 0, 0);
		else
			call(-1 - (long)below(3), any_int(), 0, 0, 0, 0);
		break;
	case SYS_trace: /* it prints: keep it rare and short */
		if (one_in(50))
			call(SYS_trace, 1, 0, 0, 0, 0);
		break;
	case SYS_port_allocate:
	case SYS_port_set_allocate:
		add_name(call(nr, 0, 0, 0, 0, 0));
		break;
	case SYS_port_deallocate:
	case SYS_port_type:
	case SYS_port_make_send:
		call(nr, any_name(), 0, 0, 0, 0);
		break;
	case SYS_port_make_send_once:
		add_name(call(nr, any_name(), 0, 0, 0, 0));
		break;
	case SYS_port_set_qlimit: {
		static const uint32_t lim[] = {
		    0, 1, 5, PORT_QLIMIT_MAX, PORT_QLIMIT_MAX + 1, 0xFFFFFFFF};

		call(nr, any_name(), one_in(3) ? any_int() : lim[below(6)], 0,
		     0, 0);
		break;
	}
	case SYS_port_set_add:
	case SYS_port_set_remove:
		call(nr, any_name(), any_name(), 0, 0, 0);
		break;
	case SYS_port_request:
		call(nr, any_name(), one_in(4) ? any_int() : below(4), 0, 0, 0);
		break;
	case SYS_msg_send: {
		uint32_t o = msg_options();

		call(nr, any_msg(sbuf, sizeof sbuf, 1, o), o, small_timeout(),
		     0, 0);
		break;
	}
	case SYS_msg_receive: {
		uint32_t o = msg_options() & ~MSG_NOTIFY;
		uint32_t size = one_in(2) ? MSG_SIZE_MAX : any_len();

		r = call(nr, any_name(), any_msg(sbuf, sizeof sbuf, 0, o), size,
			 o, small_timeout());
		break;
	}
	case SYS_msg_rpc: {
		uint32_t o = msg_options();

		call(nr, any_msg(sbuf, sizeof sbuf, 1, o),
		     any_msg(sbuf + 1024, sizeof sbuf - 1024, 0, 0),
		     one_in(2) ? MSG_SIZE_MAX : any_len(), o, small_timeout());
		break;
	}
	case SYS_task_for_pid:
		add_name(call(nr, one_in(4) ? 1 : target_pid(1), 0, 0, 0, 0));
		break;
	case SYS_msg_reply_receive: {
		uint32_t o = msg_options(); /* its MSG_TIMEOUT means "0 ms" */

		call(nr, one_in(3) ? 0 : any_msg(sbuf, sizeof sbuf, 1, o),
		     any_name(), any_msg(sbuf + 1024, sizeof sbuf - 1024, 0, 0),
		     one_in(2) ? MSG_SIZE_MAX : any_len(), o);
		break;
	}
	default:
		if (nr < NR_SYSCALLS && (long)nr != SYS_kcheck) {
			/* getpid, getppid, yield, uptime, and any call added
			 * later: junk arguments. */
			call(nr, any_int(), any_int(), any_int(), any_int(),
			     any_int());
		} else if (!is_kid && one_in(8)) {
			suspend_a_kid();
		} else {
			call(NR_SYSCALLS + below(1000),
			     any_ptr(sbuf, sizeof sbuf), 0, 0, 0, 0);
		}
		break;
	}
}

/* ---- a worker ----------------------------------------------------------- */

static void report(unsigned long n)
{
	struct msg m;
	uint32_t v = n;

	msg_init(&m, top_pid, ID_PROGRESS, &v, sizeof v);
	sys_raw(SYS_msg_send, (long)&m, MSG_TO_PID | MSG_TIMEOUT, 0, 0, 0);
}

static void __attribute__((noreturn))
worker(uint32_t seed, int index, int run, unsigned long budget)
{
	unsigned long deadline = uptime_ms() + WORKER_SECONDS * 1000ul;

	seed_rng(seed, index, run);
	heap = sbrk(HEAP_SCRATCH);
	if (heap == (char *)-1)
		exit(3);
	memset(heap, 0, HEAP_SCRATCH);
	while (calls < budget && uptime_ms() < deadline) {
		unsigned long before = calls;

		fuzz_one();
		if (before / REPORT_EVERY != calls / REPORT_EVERY)
			report(calls);
		if (nkids && one_in(32))
			reap_some();
	}
	reap_all();
	report(calls);
	exit(calls >= budget ? WORKER_DONE : WORKER_TIMEOUT);
}

/* ---- the parent ----------------------------------------------------------- */

struct slot {
	pid_t pid;
	int runs;
	unsigned long left;	/* calls still to make */
	unsigned long progress; /* reported by the running worker */
};

static pid_t start(struct slot *s, uint32_t seed, int index)
{
	pid_t pid = -1;

	/* Fork may fail for a while (our own children fill the task table,
	 * or memory): try again for a few seconds. */
	for (int tries = 0; tries < 300 && pid < 0; tries++) {
		pid = fork();
		if (pid < 0)
			sleep_ms(10);
	}
	if (pid == 0)
		worker(seed, index, s->runs, s->left);
	s->pid = pid;
	s->progress = 0;
	s->runs++;
	return pid;
}

static void take_reports(struct slot *slots, int n, unsigned timeout)
{
	struct msg m;

	while (sys_raw(SYS_msg_receive, PORT_SELF, (long)&m, sizeof m,
		       MSG_TIMEOUT, timeout) > 0) {
		uint32_t v;

		timeout = 0;
		if (m.h.id != ID_PROGRESS || msg_body_len(&m) != sizeof v)
			continue;
		memcpy(&v, m.body, sizeof v);
		for (int i = 0; i < n; i++)
			if (slots[i].pid == m.h.sender && v > slots[i].progress)
				slots[i].progress = v;
	}
}

int main(int argc, char **argv)
{
	static struct slot slots[MAX_TASKS];
	unsigned long count, done = 0, faults = 0;
	uint32_t seed;
	int ntasks = 4, alive = 0, bad = 0;

	if (argc < 3) {
		printf("usage: sysfuzz SEED COUNT [TASKS]\n");
		return 2;
	}
	seed = strtol(argv[1], NULL, 0);
	count = strtol(argv[2], NULL, 0);
	if (argc > 3)
		ntasks = atoi(argv[3]);
	if (ntasks < 1 || ntasks > MAX_TASKS)
		ntasks = 4;
	top_pid = getpid();
	/* Reports from 4 workers must not find the queue full. */
	port_set_qlimit(PORT_SELF, PORT_QLIMIT_MAX);
	printf("sysfuzz: seed %u: %lu calls in %d tasks\n", seed, count,
	       ntasks);
	for (int i = 0; i < ntasks; i++) {
		slots[i].left = count / ntasks + (i < (int)(count % ntasks));
		if (slots[i].left && start(&slots[i], seed, i) > 0)
			alive++;
		else if (slots[i].left)
			bad = 1;
	}
	while (alive > 0) {
		int status;
		pid_t pid;

		take_reports(slots, ntasks, 20);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			struct slot *s = NULL;
			unsigned long made;

			for (int i = 0; i < ntasks; i++)
				if (slots[i].pid == pid)
					s = &slots[i];
			if (!s)
				continue;
			take_reports(slots, ntasks, 0);
			alive--;
			s->pid = 0;
			if (WIFEXITED(status) &&
			    WEXITSTATUS(status) == WORKER_DONE) {
				done += s->left; /* all of it */
				continue;
			}
			if (WIFEXITED(status) &&
			    WEXITSTATUS(status) == WORKER_TIMEOUT) {
				done += s->progress;
				continue;
			}
			if (WIFSIGNALED(status)) {
				faults++;
			} else {
				printf("sysfuzz: worker %d (run %d) exited "
				       "with %d\n",
				       (int)(s - slots), s->runs,
				       WEXITSTATUS(status));
			}
			made = s->progress ? s->progress : 1;
			if (made > s->left)
				made = s->left;
			done += made;
			s->left -= made;
			if (s->left && s->runs < 100000 &&
			    start(s, seed, s - slots) > 0)
				alive++;
		}
	}
	take_reports(slots, ntasks, 0);
	if (SYS_kcheck >= 0 && sys_raw(SYS_kcheck, 0, 0, 0, 0, 0) != 0) {
		printf(
		    "sysfuzz: seed %u: the kernel's invariant check failed\n",
		    seed);
		bad = 1;
	}
	/* A newline first: a worker's last random write may have left a
	 * line unfinished, and readers look for this one at a line start. */
	printf("\nsysfuzz: seed %u: %lu calls, %lu faults, %s\n", seed, done,
	       faults, bad ? "FAILED" : "done");
	return bad;
}
