/*
 * bench [quick] [-n N] [row...] - micro-benchmarks of mica's kernel paths.
 *
 * Each row runs one operation many times between two readings of the time
 * stamp counter, subtracts the cost of an empty loop with the same number
 * of turns, and prints one line:
 *
 *     bench: <row> <instructions-per-op> <iterations>
 *
 * (task_bytes prints bytes instead of instructions). A row that cannot be
 * measured yet prints `bench: <row> n/a 0`; a row whose operation gave a
 * wrong answer prints `bench: <row> FAIL <why>`. The last line is always
 * `bench: done`.
 *
 * Under QEMU with `-icount shift=0,sleep=off` (what `make bench` uses,
 * tools/bench.py) the guest's TSC advances by exactly one per guest
 * instruction, so the figures are instruction counts and repeat from one
 * boot to the next. On other machines they are plain TSC cycles.
 *
 * `quick` runs every row with a tiny iteration count and checks the result
 * of every single operation (the pid from getpid, the body of every rpc
 * reply, the exit status of every child...); `make test` uses it to check
 * that each row works. Without `quick` only the last result of a timed
 * loop is checked, so that the checks do not add to the figure.
 *
 * docs/performance.md explains the rows and the latest figures.
 */
#include <errno.h>
#include <ipc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define DAY_MS		    (24u * 3600 * 1000) /* the longest sleep the kernel allows */
#define WARMUP		    16	/* untimed turns before each timed loop */
#define TASK_BYTES_CHILDREN 100 /* children forked for task_bytes */

/* Message ids between the rpc client (bench) and its server (a child). */
#define ID_HELLO  0x6201      /* server -> bench: a send right to its port */
#define ID_REQ	  0x6202      /* a request; the reply has id ID_REQ + 1 */
#define ID_STOP	  0x6204      /* the last request: reply, then exit */
#define RPC_BODY  16	      /* bytes of request and reply body */
#define OOL_MAGIC 0x00C0FFEEu /* first and last word of an ool region */

/* struct mica_task_info.state values (enum task_state in the kernel). */
#define ST_READY   1
#define ST_WAITING 3

static int quick;	   /* `bench quick`: tiny counts, check every op */
static unsigned iters;	   /* `bench -n N`: N turns for every row */
static pid_t self;	   /* our pid, from getpid() at start */
static char why[128];	   /* why the current row failed */
static uint64_t tsc_start; /* the first TSC reading of main() */

/* The time stamp counter: guest instructions under -icount shift=0. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Record why a row failed; returns -1 so a row can `return fail(...)`. */
static int __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The loop overhead: n turns of an empty loop, timed exactly as the rows
 * time their loops. The empty asm keeps gcc from deleting the loop.
 */
static uint64_t empty_loop(unsigned n)
{
	uint64_t t0 = rdtsc();

	for (unsigned i = 0; i < n; i++)
		asm volatile("" ::: "memory");
	return rdtsc() - t0;
}

/* (elapsed - loops * empty loop of n) / ops, rounded; never below 0. */
static uint64_t per_op(uint64_t elapsed, unsigned loops, unsigned n,
		       unsigned ops)
{
	uint64_t over = loops * empty_loop(n);

	if (elapsed <= over || ops == 0)
		return 0;
	return (elapsed - over + ops / 2) / ops;
}

/*
 * Start a measurement just after a timer tick: every run then sees the
 * ticks fall at the same instructions, so the figures repeat exactly.
 */
static void sync_tick(void)
{
	sleep_ms(1); /* rounds up to one tick */
}

/* ---- helper tasks: sleepers and spinners ------------------------------ */

/*
 * The tasks that sit in the system while a row is measured: forked
 * children that sleep for a day at a time (WAITING), or that loop on
 * yield at the lowest priority (READY but never chosen while the
 * measuring pair runs at priority 0). A yield loop rather than a pure
 * spin, so that once killed they notice at once when they do run.
 */
struct crowd {
	pid_t *pids;
	unsigned n;
};

/* Wait until at least `want` children of ours are in `state`. */
static int wait_children_in(int state, unsigned want)
{
	struct mica_memstat ms;
	struct mica_task_info *ti;
	unsigned cap;
	int err = -1;

	if (memstat(&ms) < 0)
		return fail("memstat failed (errno %d)", errno);
	cap = ms.tasks + 64;
	ti = malloc(cap * sizeof *ti);
	if (!ti)
		return fail("no memory for a ps buffer of %u tasks", cap);
	for (int tries = 0; tries < 500; tries++) {
		int n = ps_snapshot(ti, cap);
		unsigned in = 0;

		if (n < 0) {
			fail("ps failed (errno %d)", errno);
			break;
		}
		for (int i = 0; i < n; i++)
			if (ti[i].ppid == self && ti[i].state == state)
				in++;
		if (in >= want) {
			err = 0;
			break;
		}
		sleep_ms(10); /* let them run (they are below us, or asleep) */
	}
	if (err && !why[0])
		fail("children did not reach state %d", state);
	free(ti);
	return err;
}

/* Kill the crowd and reap every one of them. */
static int crowd_end(struct crowd *c)
{
	int err = 0;

	for (unsigned i = 0; i < c->n; i++)
		if (kill(c->pids[i]) < 0 && !err)
			err = fail("kill %d failed (errno %d)", c->pids[i],
				   errno);
	for (unsigned i = 0; i < c->n; i++) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p < 0) {
			if (!err)
				err =
				    fail("reaping the crowd: errno %d", errno);
			break;
		}
		if (!err && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
			err = fail("crowd child %d ended with status 0x%x", p,
				   st);
	}
	free(c->pids);
	c->pids = NULL;
	c->n = 0;
	return err;
}

/*
 * Fork n children that sleep (ready == 0) or loop on yield at priority 31
 * (ready == 1), and wait until all of them are in that state.
 */
static int crowd_start(struct crowd *c, unsigned n, int ready)
{
	c->pids = malloc(n * sizeof *c->pids);
	c->n = 0;
	if (!c->pids)
		return fail("no memory for %u pids", n);
	for (unsigned i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			fail("fork of crowd child %u failed (errno %d)", i,
			     errno);
			crowd_end(c);
			return -1;
		}
		if (p == 0) {
			for (;;) {
				if (ready)
					yield();
				else
					sleep_ms(DAY_MS);
			}
		}
		c->pids[c->n++] = p;
		/* Below everybody before it ever runs (it inherited our
		 * priority); under rr this changes nothing. */
		if (ready && setpriority(p, 31) < 0) {
			fail("setpriority(%d, 31) failed (errno %d)", p, errno);
			crowd_end(c);
			return -1;
		}
	}
	if (wait_children_in(ready ? ST_READY : ST_WAITING, n) < 0) {
		char keep[sizeof why];

		strcpy(keep, why);
		crowd_end(c);
		strcpy(why, keep);
		return -1;
	}
	return 0;
}

/* The policy the kernel schedules with ("rr", "prio", ...), from ps. */
static int policy_is(const char *name)
{
	struct mica_task_info ti[1];

	return ps_snapshot(ti, 1) == 1 && strcmp(ti[0].policy, name) == 0;
}

/* nvcsw (yields and blocks) of task pid, or -1. */
static long task_nvcsw(pid_t pid)
{
	struct mica_memstat ms;
	struct mica_task_info *ti;
	long r = -1;
	int n;

	if (memstat(&ms) < 0)
		return -1;
	ti = malloc((ms.tasks + 64) * sizeof *ti);
	if (!ti)
		return -1;
	n = ps_snapshot(ti, ms.tasks + 64);
	for (int i = 0; i < n; i++)
		if (ti[i].pid == pid)
			r = ti[i].nvcsw;
	free(ti);
	return r;
}

/* ---- the rows ------------------------------------------------------------ */

/* null_syscall: getpid, the cheapest call there is. */
static int row_null_syscall(unsigned n, uint64_t *out)
{
	uint64_t t0, t1;
	pid_t r = 0;

	if (quick) {
		/* A forked child must see us as its parent: the pid that
		 * getpid gives is the one the kernel knows us by. */
		pid_t c = fork();
		int st;

		if (c < 0)
			return fail("fork failed (errno %d)", errno);
		if (c == 0)
			exit(getppid() == self ? 0 : 1);
		if (waitpid(c, &st, 0) != c || st != 0)
			return fail("getpid %d is not our pid", self);
		for (unsigned i = 0; i < n; i++)
			if ((r = getpid()) != self)
				return fail("getpid gave %d, not %d", r, self);
	}
	for (unsigned i = 0; i < WARMUP; i++)
		getpid();
	sync_tick();
	t0 = rdtsc();
	for (unsigned i = 0; i < n; i++)
		r = getpid();
	t1 = rdtsc();
	if (r != self)
		return fail("getpid gave %d, not %d", r, self);
	*out = per_op(t1 - t0, 1, n, n);
	return 0;
}

/*
 * Two tasks yield to each other: us and a forked child. Both do WARMUP
 * yields first; then we time n yields of ours, during which the child
 * makes n yields too, so the interval holds exactly 2n switches.
 */
static int yield_pair(unsigned n, uint64_t *out)
{
	uint64_t t0, t1;
	long nv;
	int st, r = 0;
	pid_t c;

	c = fork();
	if (c < 0)
		return fail("fork failed (errno %d)", errno);
	if (c == 0) {
		for (unsigned i = 0; i < WARMUP + n; i++)
			if (yield() != 0)
				exit(1);
		exit(0);
	}
	for (unsigned i = 0; i < WARMUP; i++)
		yield();
	t0 = rdtsc();
	for (unsigned i = 0; i < n; i++)
		r = yield();
	t1 = rdtsc();
	/* The child has done all its yields (each one went through the
	 * scheduler: nvcsw counts them), and not yet exited. */
	nv = task_nvcsw(c);
	if (waitpid(c, &st, 0) != c)
		return fail("waitpid of the yield partner failed");
	if (r != 0 || st != 0)
		return fail("yield returned %d, partner status 0x%x", r, st);
	if (nv < (long)(WARMUP + n))
		return fail("partner switched %ld times, expected >= %u", nv,
			    WARMUP + n);
	*out = per_op(t1 - t0, 2, n, 2 * n);
	return 0;
}

static int row_yield_switch(unsigned n, uint64_t *out)
{
	sync_tick();
	return yield_pair(n, out);
}

/* yield_switch while `sleepers` other tasks sleep. */
static int yield_with_sleepers(unsigned n, unsigned sleepers, uint64_t *out)
{
	struct crowd c;
	int err;

	if (crowd_start(&c, sleepers, 0) < 0)
		return -1;
	sync_tick();
	err = yield_pair(n, out);
	if (crowd_end(&c) < 0)
		err = -1;
	return err;
}

static int row_yield_switch_sleep1000(unsigned n, uint64_t *out)
{
	return yield_with_sleepers(n, 1000, out);
}

static int row_yield_switch_sleep4000(unsigned n, uint64_t *out)
{
	return yield_with_sleepers(n, 4000, out);
}

/*
 * sched=prio only: 1000 ready tasks at priority 31 while the pair yields
 * at priority 0. Under another policy the crowd would get the CPU in
 * turn and the row would measure them, not the switch: n/a (returns 1).
 */
static int row_yield_switch_ready1000(unsigned n, uint64_t *out)
{
	struct crowd c;
	int old = getpriority(0), err;

	if (!policy_is("prio"))
		return 1;
	if (crowd_start(&c, 1000, 1) < 0)
		return -1;
	/* The partner inherits priority 0 at fork: both equal. */
	if (setpriority(0, 0) < 0) {
		err = fail("setpriority(0, 0) failed (errno %d)", errno);
	} else {
		sync_tick();
		err = yield_pair(n, out);
	}
	setpriority(0, old);
	if (crowd_end(&c) < 0)
		err = -1;
	return err;
}

/*
 * The rpc server, a forked child: make a port, give the parent a send
 * right to it, then answer every request with each body word plus one,
 * until ID_STOP. Exits 0 if every request looked right.
 *
 * A round trip costs the server a receive and a send. If the kernel
 * offers a combined reply-and-receive call, the server uses it, as a
 * real server would: one trap per request instead of two. Its arguments
 * are assumed to be (reply message, port to receive on, buffer, size,
 * options), returning the received size; if the call turns out to take
 * something else, the rpc rows FAIL in `bench quick` (make test) rather
 * than measure the wrong thing.
 */
static void __attribute__((noreturn)) rpc_server(pid_t parent)
{
	struct msg m, r;
	port_t port = port_allocate();
	int bad = 0;

	if (port < 0)
		exit(2);
	msg_init(&m, parent, ID_HELLO, NULL, 0);
	if (msg_add_right(&m, port, MSG_MAKE_SEND) < 0 ||
	    msg_send(&m, MSG_TO_PID, 0) < 0)
		exit(3);
	msg_init(&r, PORT_NULL, ID_REQ + 1, NULL, RPC_BODY);
	if (msg_receive(port, &m, sizeof m, 0, 0) < 0)
		exit(4);
	for (;;) {
		uint32_t w[RPC_BODY / 4];

		if (m.h.size != MSG_SIZE_MIN + RPC_BODY ||
		    m.h.sender != parent ||
		    m.h.reply_disposition != MSG_MOVE_SEND_ONCE)
			bad = 1;
		/* Out-of-line memory (the ool rows): look at it, give it
		 * back, as a server that had used it would. */
		for (unsigned i = 0; i < m.h.nool; i++) {
			const uint32_t *p = (const uint32_t *)m.h.ool[i].addr;

			if (p[0] != OOL_MAGIC ||
			    p[m.h.ool[i].size / 4 - 1] != OOL_MAGIC)
				bad = 1;
			if (munmap((void *)p, m.h.ool[i].size) < 0)
				bad = 1;
		}
		memcpy(w, m.body, sizeof w);
		for (unsigned i = 0; i < RPC_BODY / 4; i++)
			w[i]++;
		memcpy(r.body, w, sizeof w);
		r.h.dest = m.h.reply; /* the send-once right: used up */
		r.h.id = m.h.id + 1;
		if (m.h.id == ID_STOP) {
			msg_send(&r, 0, 0);
			exit(bad);
		}
#ifdef SYS_msg_reply_receive
		if (sys_raw(SYS_msg_reply_receive, (long)&r, port, (long)&m,
			    sizeof m, 0) < 0)
			exit(5);
#else
		if (msg_send(&r, 0, 0) < 0)
			exit(5);
		if (msg_receive(port, &m, sizeof m, 0, 0) < 0)
			exit(4);
#endif
	}
}

/* One round trip: request `req` (body words), check the reply if asked. */
static int rpc_check(struct msg *req, struct msg *rep, int size)
{
	uint32_t a[RPC_BODY / 4], b[RPC_BODY / 4];

	if (size != (int)(MSG_SIZE_MIN + RPC_BODY))
		return fail("msg_rpc gave %d (errno %d)", size, errno);
	if (rep->h.id != req->h.id + 1)
		return fail("reply id %d to request %d", (int)rep->h.id,
			    (int)req->h.id);
	memcpy(a, req->body, sizeof a);
	memcpy(b, rep->body, sizeof b);
	for (unsigned i = 0; i < RPC_BODY / 4; i++)
		if (b[i] != a[i] + 1)
			return fail("reply word %u is 0x%x, not 0x%x", i,
				    (unsigned)b[i], (unsigned)(a[i] + 1));
	return 0;
}

/* Fill the request body from a counter, so every request differs. */
static void rpc_fill(struct msg *req, uint32_t i)
{
	uint32_t w[RPC_BODY / 4] = {i, ~i, 0x12345678u, (uint32_t)self};

	memcpy(req->body, w, sizeof w);
}

/* A buffer for the ool rows: page-aligned, its first and last words
 * OOL_MAGIC (checked by the server), never written while timed. */
static uint32_t *ool_buffer(unsigned size)
{
	uint32_t *p = mmap(0, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	p[0] = p[size / 4 - 1] = OOL_MAGIC;
	return p;
}

/* n round trips to a fresh server, with `sleepers` tasks asleep; with
 * ool_size, each request carries that much out-of-line memory. */
static int rpc_rows(unsigned n, unsigned sleepers, unsigned ool_size,
		    uint64_t *out)
{
	uint32_t *ool = NULL;
	static struct msg req, rep;
	struct crowd c = {NULL, 0};
	uint64_t t0, t1;
	port_t srv;
	pid_t server;
	int size = 0, st, err = 0;

	if (sleepers && crowd_start(&c, sleepers, 0) < 0)
		return -1;
	server = fork();
	if (server < 0) {
		err = fail("fork failed (errno %d)", errno);
		goto out;
	}
	if (server == 0)
		rpc_server(self);
	/* The server's hello on our PORT_SELF carries its send right. */
	rep.h.sender = server;
	if (msg_receive(PORT_SELF, &rep, sizeof rep, MSG_FROM_PID | MSG_TIMEOUT,
			10000) < 0 ||
	    rep.h.id != ID_HELLO || rep.h.nrights != 1) {
		err = fail("no hello from the server (errno %d)", errno);
		kill(server);
		waitpid(server, NULL, 0);
		goto out;
	}
	srv = rep.h.rights[0].name;

	msg_init(&req, srv, ID_REQ, NULL, RPC_BODY);
	if (ool_size) {
		ool = ool_buffer(ool_size);
		if (!ool)
			err = fail("mmap failed (errno %d)", errno);
		req.h.nool = 1;
		req.h.ool[0] = (struct msg_ool){(uint32_t)ool, ool_size, 0};
	}
	for (unsigned i = 0; i < WARMUP + (quick ? n : 0) && !err; i++) {
		rpc_fill(&req, i);
		size = msg_rpc(&req, &rep, sizeof rep, 0, 0);
		err = rpc_check(&req, &rep, size);
	}
	if (!err) {
		rpc_fill(&req, 0xbe9c4);
		sync_tick();
		t0 = rdtsc();
		for (unsigned i = 0; i < n; i++)
			size = msg_rpc(&req, &rep, sizeof rep, 0, 0);
		t1 = rdtsc();
		err = rpc_check(&req, &rep, size);
		*out = per_op(t1 - t0, 1, n, n);
	}
	/* Stop the server; it exits 0 if every request it saw was right. */
	req.h.id = ID_STOP;
	req.h.nool = 0;
	size = msg_rpc(&req, &rep, sizeof rep, 0, 0);
	if (!err && size != (int)(MSG_SIZE_MIN + RPC_BODY))
		err = fail("the stop request failed (errno %d)", errno);
	if (waitpid(server, &st, 0) != server || st != 0) {
		if (!err)
			err = fail("server ended with status 0x%x", st);
	}
	port_deallocate(srv);
	if (ool)
		munmap(ool, ool_size);
out:
	if (c.n && crowd_end(&c) < 0)
		err = -1;
	return err;
}

static int row_rpc_roundtrip(unsigned n, uint64_t *out)
{
	return rpc_rows(n, 0, 0, out);
}

static int row_rpc_roundtrip_sleep1000(unsigned n, uint64_t *out)
{
	return rpc_rows(n, 1000, 0, out);
}

/* An rpc whose request carries 4 KiB / 1 MiB out of line, copy-on-write:
 * the cost must grow with the pages touched in page tables, not with
 * the bytes (no byte is copied). */
static int row_ool_4k(unsigned n, uint64_t *out)
{
	return rpc_rows(n, 0, 4096, out);
}

static int row_ool_1m(unsigned n, uint64_t *out)
{
	return rpc_rows(n, 0, 1u << 20, out);
}

/* send_receive: a message to our own port, and back out of it. */
static int row_send_receive(unsigned n, uint64_t *out)
{
	static struct msg m, r;
	uint64_t t0, t1;
	port_t p = port_allocate();
	int got = 0, err = 0;

	if (p < 0 || port_set_qlimit(p, PORT_QLIMIT_MAX) < 0 ||
	    port_make_send(p) < 0)
		return fail("port set-up failed (errno %d)", errno);
	msg_init(&m, p, ID_REQ, NULL, RPC_BODY);
	for (unsigned i = 0; i < WARMUP + (quick ? n : 0) && !err; i++) {
		rpc_fill(&m, i);
		if (msg_send(&m, 0, 0) < 0) {
			err = fail("msg_send failed (errno %d)", errno);
			break;
		}
		got = msg_receive(p, &r, sizeof r, 0, 0);
		if (got != (int)(MSG_SIZE_MIN + RPC_BODY) || r.h.id != ID_REQ ||
		    r.h.sender != self || r.h.dest != p ||
		    memcmp(r.body, m.body, RPC_BODY) != 0)
			err = fail("received %d bytes, id %d, sender %d: not "
				   "what was sent",
				   got, (int)r.h.id, (int)r.h.sender);
	}
	if (!err) {
		rpc_fill(&m, 0x5e4d);
		memset(&r, 0, sizeof r);
		sync_tick();
		t0 = rdtsc();
		for (unsigned i = 0; i < n; i++) {
			msg_send(&m, 0, 0);
			got = msg_receive(p, &r, sizeof r, 0, 0);
		}
		t1 = rdtsc();
		if (got != (int)(MSG_SIZE_MIN + RPC_BODY) ||
		    memcmp(r.body, m.body, RPC_BODY) != 0)
			err = fail("last receive gave %d (errno %d) or a "
				   "wrong body",
				   got, errno);
		*out = per_op(t1 - t0, 1, n, n);
	}
	port_deallocate(p);
	return err;
}

/* fork_exit_wait: fork; the child exits; we reap it. */
static int row_fork_exit_wait(unsigned n, uint64_t *out)
{
	uint64_t t0, t1;
	int st = 0;
	pid_t c = 0, got = 0;

	if (quick) {
		for (unsigned i = 0; i < n; i++) {
			c = fork();
			if (c == 0)
				exit(i + 1); /* a status that changes */
			if (c < 0 || waitpid(c, &st, 0) != c ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != (int)i + 1)
				return fail("fork %d, status 0x%x (errno %d)",
					    c, st, errno);
		}
	}
	for (unsigned i = 0; i < WARMUP / 4; i++) {
		c = fork();
		if (c == 0)
			exit(0);
		waitpid(c, NULL, 0);
	}
	sync_tick();
	t0 = rdtsc();
	for (unsigned i = 0; i < n; i++) {
		c = fork();
		if (c == 0)
			exit(0);
		got = waitpid(c, &st, 0);
	}
	t1 = rdtsc();
	if (c < 0 || got != c || st != 0)
		return fail("fork %d, waitpid %d, status 0x%x", c, got, st);
	*out = per_op(t1 - t0, 1, n, n);
	return 0;
}

/* spawn_exit_wait: spawn("true") and reap it. */
static int row_spawn_exit_wait(unsigned n, uint64_t *out)
{
	char *targv[] = {"true", NULL}, *fargv[] = {"false", NULL};
	uint64_t t0, t1;
	int st = 0;
	pid_t c = 0, got = 0;

	if (quick) {
		for (unsigned i = 0; i < n; i++) {
			int f = i & 1; /* true and false, turn about */

			c = spawn(f ? "false" : "true", f ? fargv : targv);
			if (c < 0 || waitpid(c, &st, 0) != c ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != f)
				return fail("spawn %d, status 0x%x (errno %d)",
					    c, st, errno);
		}
	}
	for (unsigned i = 0; i < WARMUP / 4; i++)
		waitpid(spawn("true", targv), NULL, 0);
	sync_tick();
	t0 = rdtsc();
	for (unsigned i = 0; i < n; i++) {
		c = spawn("true", targv);
		got = waitpid(c, &st, 0);
	}
	t1 = rdtsc();
	if (c < 0 || got != c || st != 0)
		return fail("spawn %d, waitpid %d, status 0x%x", c, got, st);
	*out = per_op(t1 - t0, 1, n, n);
	return 0;
}

/* fork_exec_exit_wait: fork; the child execs "true"; we reap it. */
static int row_fork_exec_exit_wait(unsigned n, uint64_t *out)
{
	char *targv[] = {"true", NULL}, *fargv[] = {"false", NULL};
	uint64_t t0, t1;
	int st = 0;
	pid_t c = 0, got = 0;

	if (quick) {
		for (unsigned i = 0; i < n; i++) {
			int f = i & 1;

			c = fork();
			if (c == 0) {
				exec(f ? "false" : "true", f ? fargv : targv);
				exit(127); /* exec failed */
			}
			if (c < 0 || waitpid(c, &st, 0) != c ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != f)
				return fail("fork+exec %d, status 0x%x", c, st);
		}
	}
	for (unsigned i = 0; i < WARMUP / 4; i++) {
		c = fork();
		if (c == 0) {
			exec("true", targv);
			exit(127);
		}
		waitpid(c, NULL, 0);
	}
	sync_tick();
	t0 = rdtsc();
	for (unsigned i = 0; i < n; i++) {
		c = fork();
		if (c == 0) {
			exec("true", targv);
			exit(127);
		}
		got = waitpid(c, &st, 0);
	}
	t1 = rdtsc();
	if (c < 0 || got != c || st != 0)
		return fail("fork %d, waitpid %d, status 0x%x", c, got, st);
	*out = per_op(t1 - t0, 1, n, n);
	return 0;
}

/*
 * shm_item: one item through the shared-memory bounded buffer of
 * prodcons-shm (user/prodcons-shm.c) in its blocking mode: the producer
 * and the consumer are two tasks, the items go through shared memory, and
 * a side that must wait sleeps until the other wakes it with a message.
 * Timed: spawn `prodcons-shm -q n` and wait for it; the same with 0 items
 * is timed first and subtracted, so that the set-up (spawn, shm_open,
 * ftruncate, mmap, fork, exits) is not counted. prodcons-shm exits 0
 * only if every item arrived once and in order.
 */
static int shm_run(unsigned items, uint64_t *cost)
{
	char count[16], *argv[] = {"prodcons-shm", "-q", count, NULL};
	uint64_t t0;
	int st = -1;
	pid_t c;

	snprintf(count, sizeof count, "%u", items);
	sync_tick();
	t0 = rdtsc();
	c = spawn(argv[0], argv);
	if (c < 0 || waitpid(c, &st, 0) != c)
		return fail("spawn prodcons-shm failed (errno %d)", errno);
	*cost = rdtsc() - t0;
	if (st != 0)
		return fail("prodcons-shm %u: status 0x%x", items, st);
	return 0;
}

static int row_shm_item(unsigned n, uint64_t *out)
{
	uint64_t setup, all;

	if (shm_run(0, &setup) < 0 || shm_run(0, &setup) < 0 ||
	    shm_run(n, &all) < 0)
		return -1; /* the first run of 0 only warms up */
	*out = all > setup ? (all - setup + n / 2) / n : 0;
	return 0;
}

/*
 * task_bytes: what one (forked, sleeping) task costs the kernel, from
 * memstat before and after forking 100 of them. The kernel heap takes its
 * pages from the frame allocator, so free_frames alone counts everything
 * (page directory, page tables, copied pages, kernel stack, and the heap
 * pages holding the PCB, name space and ports); heap_bytes is printed
 * after the figure, as the part of it that is heap objects.
 */
static int row_task_bytes(unsigned n, uint64_t *out)
{
	struct mica_memstat a, b;
	struct crowd c;
	int err;

	(void)n;
	if (memstat(&a) < 0)
		return fail("memstat failed (errno %d)", errno);
	if (crowd_start(&c, TASK_BYTES_CHILDREN, 0) < 0)
		return -1;
	err = memstat(&b);
	if (crowd_end(&c) < 0 || err < 0)
		return err < 0 ? fail("memstat failed") : -1;
	if (b.tasks != a.tasks + TASK_BYTES_CHILDREN ||
	    b.free_frames >= a.free_frames)
		return fail("memstat: tasks %u -> %u, free frames %u -> %u",
			    a.tasks, b.tasks, a.free_frames, b.free_frames);
	*out = ((uint64_t)(a.free_frames - b.free_frames) * 4096 +
		TASK_BYTES_CHILDREN / 2) /
	       TASK_BYTES_CHILDREN;
	snprintf(why, sizeof why, "heap_bytes_per_task=%u",
		 (b.heap_bytes - a.heap_bytes) / TASK_BYTES_CHILDREN);
	return 0;
}

/*
 * boot_to_shell: the instructions from power-on to the shell's prompt.
 * Our own first TSC reading is not that figure: with sleep=off the
 * virtual clock races through the idle ticks while the shell waits for
 * the line that started us, so it counts however long that took. What
 * is exact is the kernel's trace, which stamps every state change with
 * the TSC: the shell's first block is its first wait for input, just
 * after printing the prompt. So we dump the trace (trace_dump), and the
 * harness (tools/bench.py) reads that event for our parent, the shell.
 * boot_to_bench, our first TSC reading, is printed for comparison.
 */
static int row_boot_to_shell(void)
{
	if (trace_dump(0) < 0)
		return fail("trace failed (errno %d)", errno);
	printf("bench: boot_to_shell trace 1 sh=%d\n", getppid());
	printf("bench: boot_to_bench %llu 1\n", (unsigned long long)tsc_start);
	return 0;
}

/* ---- the table of rows --------------------------------------------------- */

struct row {
	const char *name;
	int (*run)(unsigned n, uint64_t *out); /* NULL: not measurable yet */
	unsigned iters, quick_iters;
};

static const struct row rows[] = {
    /* First: later rows fill the kernel's trace ring, and this one
	 * needs the events of the boot that are still in it. */
    {"boot_to_shell", NULL, 0, 0}, /* special: see row_boot_to_shell */
    {"null_syscall", row_null_syscall, 100000, 3},
    {"yield_switch", row_yield_switch, 20000, 3},
    {"rpc_roundtrip", row_rpc_roundtrip, 20000, 3},
    {"send_receive", row_send_receive, 20000, 3},
    {"ool_4k", row_ool_4k, 5000, 3},
    {"ool_1m", row_ool_1m, 500, 3},
    {"fork_exit_wait", row_fork_exit_wait, 200, 3},
    {"spawn_exit_wait", row_spawn_exit_wait, 200, 3},
    {"fork_exec_exit_wait", row_fork_exec_exit_wait, 200, 3},
    {"shm_item", row_shm_item, 20000, 30},
    {"yield_switch_sleep1000", row_yield_switch_sleep1000, 20000, 3},
    {"yield_switch_sleep4000", row_yield_switch_sleep4000, 20000, 3},
    {"yield_switch_ready1000", row_yield_switch_ready1000, 20000, 3},
    {"rpc_roundtrip_sleep1000", row_rpc_roundtrip_sleep1000, 20000, 3},
    {"task_bytes", row_task_bytes, TASK_BYTES_CHILDREN, TASK_BYTES_CHILDREN},
    {"boot_to_shell_ms", NULL, 0, 0}, /* measured by the host */
};

#define NROWS (sizeof rows / sizeof rows[0])

static void run_row(const struct row *r)
{
	unsigned n = iters ? iters : quick ? r->quick_iters : r->iters;
	uint64_t v = 0;
	int err;

	why[0] = '\0';
	if (strcmp(r->name, "boot_to_shell") == 0) {
		if (row_boot_to_shell() < 0)
			printf("bench: %s FAIL %s\n", r->name, why);
		return;
	}
	if (strcmp(r->name, "boot_to_shell_ms") == 0) {
		printf("bench: %s host 0 (wall clock, measured by the host)\n",
		       r->name);
		return;
	}
	if (!r->run) {
		printf("bench: %s n/a 0\n", r->name);
		return;
	}
	err = r->run(n, &v);
	if (err < 0)
		printf("bench: %s FAIL %s\n", r->name, why[0] ? why : "?");
	else if (err > 0)
		printf("bench: %s n/a 0 (needs sched=prio)\n", r->name);
	else
		printf("bench: %s %llu %u%s%s\n", r->name,
		       (unsigned long long)v, n, why[0] ? " " : "", why);
}

int main(int argc, char **argv)
{
	int first = 1, any = 0;

	tsc_start = rdtsc();
	self = getpid();
	if (argc > first && strcmp(argv[first], "quick") == 0) {
		quick = 1;
		first++;
	}
	if (argc > first + 1 && strcmp(argv[first], "-n") == 0) {
		iters = atoi(argv[first + 1]); /* for tools/profile.py */
		first += 2;
	}
	for (int i = first; i < argc; i++) {
		unsigned k;

		for (k = 0; k < NROWS; k++)
			if (strcmp(argv[i], rows[k].name) == 0)
				break;
		if (k == NROWS)
			printf("bench: %s FAIL no such row\n", argv[i]);
		else
			run_row(&rows[k]);
		any = 1;
	}
	if (!any)
		for (unsigned k = 0; k < NROWS; k++)
			run_row(&rows[k]);
	printf("bench: done\n");
	return 0;
}
