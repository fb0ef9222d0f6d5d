/*
 * ns.c - the bootstrap port, the name server (user/nameserver.c, ns.h)
 * and the kernel's send-once notification (docs/nameserver.md).
 *
 * The name server and the pipe server run from boot, so they are part of
 * every baseline: ns_baseline() first waits until they are quiet. A test
 * that kills a server makes one more call to the name server (ns_sync)
 * before it looks: the name server reads the kernel's news before it
 * answers anything.
 */
#include "utest.h"

#include <ns.h>

#define T_ECHO	 0x7100 /* a test server answers with a copy */
#define T_QUIT	 0x7101 /* a test server exits */
#define NO_REPLY (-9999)

enum serve_mode {
	SERVE_ECHO,	  /* answer every request with a copy */
	HOLD_REQUEST,	  /* take one request, never answer, never exit */
	NEVER_RECEIVE,	  /* leave requests queued, never exit */
	DROP_REPLY,	  /* deallocate the first reply right, then echo */
	CRASH_ON_REQUEST, /* take one request, then fault */
};

static long kcheck(void)
{
	return sys_raw(SYS_kcheck, 0, 0, 0, 0, 0);
}

/* Wait until every other task is blocked: the servers started at boot
 * have finished starting, and nothing changes under a baseline. */
static void wait_quiet(void)
{
	static struct mica_task_info info[64];

	for (int tries = 0; tries < 200; tries++) {
		int n = ps_snapshot(info, 64), busy = 0;

		for (int i = 0; i < n; i++)
			if (info[i].pid != getpid() &&
			    info[i].state != ST_WAITING &&
			    info[i].state != ST_TERMINATED)
				busy = 1;
		if (!busy)
			return;
		sleep_ms(10);
	}
}

static void ns_baseline(void)
{
	wait_quiet();
	ipc_baseline();
}

/* A round trip to the name server: it has read every notification
 * queued for it (a dead server's) by the time it answers. */
static int ns_sync(void)
{
	char buf[NS_NAMES_MAX * NS_NAME_MAX];

	return ns_list(buf, sizeof buf);
}

/* Is name among the registered names? */
static int listed(const char *name)
{
	char buf[NS_NAMES_MAX * NS_NAME_MAX];
	int n = ns_list(buf, sizeof buf);
	const char *s = buf;

	for (int i = 0; i < n; i++, s += strlen(s) + 1)
		if (strcmp(s, name) == 0)
			return 1;
	return 0;
}

static pid_t nameserver_pid(void)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++)
		if (strcmp(info[i].name, "nameserver") == 0 &&
		    info[i].state != ST_TERMINATED)
			return info[i].pid;
	return -1;
}

static void sleep_forever(void)
{
	for (;;)
		sleep_ms(1000);
}

/* The server's side of start_server. */
static void serve(port_t port, enum serve_mode mode)
{
	struct msg m;

	if (mode == NEVER_RECEIVE)
		sleep_forever();
	while (msg_receive(port, &m, sizeof m, 0, 0) >= 0) {
		if (m.h.id == T_QUIT)
			return;
		if (mode == HOLD_REQUEST)
			sleep_forever(); /* with the reply right in hand */
		if (mode == CRASH_ON_REQUEST)
			*(volatile int *)0 = 1; /* a page fault kills us */
		if (mode == DROP_REPLY) {
			port_deallocate(m.h.reply);
			mode = SERVE_ECHO;
			continue;
		}
		if (m.h.reply != PORT_NULL) {
			msg_init(&m, m.h.reply, m.h.id, m.body,
				 msg_body_len(&m));
			msg_send(&m, MSG_TIMEOUT, 0);
		}
	}
}

/* Fork a server that registers name and serves it as mode says; returns
 * once the name is registered. */
static pid_t start_server(const char *name, enum serve_mode mode)
{
	pid_t pid = fork();
	port_t seen;

	if (pid == 0) {
		port_t port = port_allocate();

		if (ns_register(name, port) < 0)
			exit(3);
		serve(port, mode);
		exit(0);
	}
	EXPECT(pid > 0);
	seen = ns_lookup_wait(name, IPC_WAIT);
	EXPECT(seen >= PORT_FIRST_FREE);
	if (seen > 0)
		port_deallocate(seen);
	return pid;
}

/* Kill pid and reap it; its wait status. */
static int stop(pid_t pid)
{
	int status = -1;

	kill(pid);
	waitpid(pid, &status, 0);
	return status;
}

/* Reap pid, waiting at most ms (then kill it): its status, or -1. */
static int reap_within(pid_t pid, unsigned ms)
{
	int status = -1;

	for (unsigned waited = 0; waited < ms; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(10);
	}
	stop(pid);
	return -1;
}

/* One echo round trip through send right `to`: 0, or the rpc's error. */
static long echo_rpc(port_t to, const char *text)
{
	struct msg m, r;
	unsigned len = strlen(text) + 1;
	long n;

	msg_init(&m, to, T_ECHO, text, len);
	n = raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT);
	if (n < 0)
		return n;
	EXPECT_EQ(r.h.id, T_ECHO);
	EXPECT_EQ(msg_body_len(&r), len);
	EXPECT(memcmp(r.body, text, len) == 0);
	return 0;
}

/* A raw request to the name server: the result its answer carries, or
 * NO_REPLY if what came back was not an answer to it. */
static int ns_raw(struct msg *m, int id)
{
	struct msg r;
	long n;

	m->h.dest = PORT_BOOTSTRAP;
	m->h.id = id;
	n = raw_rpc(m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT);
	if (n < (long)(MSG_SIZE_MIN + sizeof(int32_t)) ||
	    r.h.id != (int)((unsigned)id + NS_REPLY_OFFSET)) {
		printf("utest: %s: request %d: rpc %ld, answer id %d\n",
		       test_name, id, n, (int)r.h.id);
		return NO_REPLY;
	}
	EXPECT_EQ(r.h.nrights, 0); /* an error answer carries no right */
	return body_int(&r);
}

/* A raw request whose body is len bytes of body. */
static int ns_raw_body(int id, const void *body, unsigned len)
{
	struct msg m;

	msg_init(&m, PORT_BOOTSTRAP, id, body, len);
	return ns_raw(&m, id);
}

/* ---- the bootstrap port -------------------------------------------------- */

static void child_has_bootstrap(void)
{
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
	EXPECT_EQ(task_get_bootstrap(), PORT_BOOTSTRAP);
	EXPECT(ns_sync() >= 0); /* and it reaches the name server */
}

/* Every task is born with it: usertests (from init), a forked child, a
 * child of a child that gave its name up, and a program after exec. */
UTEST(ns_bootstrap_inherited)
{
	char *argv[] = {"nslist", NULL};
	pid_t pid;

	ns_baseline();
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
	EXPECT_EQ(task_get_bootstrap(), PORT_BOOTSTRAP);
	EXPECT(ns_sync() >= 0);

	pid = ipc_fork();
	if (pid == 0) {
		child_has_bootstrap();
		child_done();
	}
	EXPECT_CHILD_OK(pid);

	/* The kernel keeps the bootstrap port, not the name: a task that
	 * deallocated PORT_BOOTSTRAP still hands it down, and gets the
	 * name back from task_get_bootstrap. */
	pid = ipc_fork();
	if (pid == 0) {
		pid_t grandchild;

		EXPECT_EQ(port_deallocate(PORT_BOOTSTRAP), 0);
		EXPECT_EQ(sys_raw(SYS_port_type, PORT_BOOTSTRAP, 0, 0, 0, 0),
			  -EINVAL);
		grandchild = ipc_fork();
		if (grandchild == 0) {
			child_has_bootstrap();
			child_done();
		}
		EXPECT_CHILD_OK(grandchild);
		EXPECT_EQ(task_get_bootstrap(), PORT_BOOTSTRAP);
		EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
		child_done();
	}
	EXPECT_CHILD_OK(pid);

	/* exec keeps it: nslist exits 0 only if it reaches the name server. */
	pid = fork();
	if (pid == 0) {
		exec("nslist", argv);
		exit(99);
	}
	EXPECT_CHILD_OK(pid);
	pid = spawn("nslist", argv); /* and so does spawn */
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* task_set_bootstrap and task_get_bootstrap: bad input, none, another
 * port, a dead one; each as a child sees it. Run in a child, so that our
 * own bootstrap port stays. */
static void set_get_checks(void)
{
	static struct msg m;
	port_t set = port_set_allocate(), x, kp;
	pid_t pid;

	/* Bad names and rights, and nothing changes. */
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, BAD_NAME, 0, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, -1, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, PORT_NOTIFY, 0, 0, 0, 0),
		  -EBADRIGHT); /* a receive right */
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, set, 0, 0, 0, 0), -EBADRIGHT);
	x = port_allocate();
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, x, 0, 0, 0, 0), -EBADRIGHT);
	pid = fork();
	if (pid == 0)
		sleep_forever();
	kp = task_for_pid(pid);
	stop(pid);
	EXPECT_EQ(port_type(kp), RIGHT_DEAD_NAME);
	EXPECT_EQ(sys_raw(SYS_task_set_bootstrap, kp, 0, 0, 0, 0), -EDEADNAME);
	EXPECT_EQ(port_deallocate(kp), 0);
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
	EXPECT(ns_sync() >= 0);

	/* Another port: our own x. Messages to PORT_BOOTSTRAP arrive there,
	 * ours and a new child's. */
	EXPECT_EQ(port_make_send(x), 0);
	EXPECT_EQ(task_set_bootstrap(x), 0);
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
	EXPECT_EQ(task_get_bootstrap(), PORT_BOOTSTRAP);
	EXPECT_EQ(send_int(PORT_BOOTSTRAP, 1, 11, 0), 0);
	EXPECT_EQ(recv_wait(x, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(body_int(&m), 11);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(send_int(PORT_BOOTSTRAP, 2, 22, 0), 0);
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(recv_wait(x, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(body_int(&m), 22);

	/* It dies: a dead name, here and in a new child. */
	EXPECT_EQ(port_deallocate(x), 0);
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_DEAD_NAME);
	EXPECT_EQ(sys_raw(SYS_task_get_bootstrap, 0, 0, 0, 0, 0), -EDEADNAME);
	EXPECT_EQ(send_int(PORT_BOOTSTRAP, 3, 0, 0), -EDEADNAME);
	EXPECT_EQ(ns_lookup("anything"), -1);
	EXPECT_EQ(errno, EDEADNAME); /* no name server */
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_DEAD_NAME);
		EXPECT_EQ(sys_raw(SYS_task_get_bootstrap, 0, 0, 0, 0, 0),
			  -EDEADNAME);
		child_done();
	}
	EXPECT_CHILD_OK(pid);

	/* None at all (PORT_NULL): no name, -ENOENT, and so for a child. */
	EXPECT_EQ(task_set_bootstrap(PORT_NULL), 0);
	EXPECT_EQ(sys_raw(SYS_port_type, PORT_BOOTSTRAP, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_task_get_bootstrap, 0, 0, 0, 0, 0), -ENOENT);
	EXPECT_EQ(ns_register("t-none", PORT_SELF), -1);
	EXPECT_EQ(errno, EDEADNAME);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(sys_raw(SYS_task_get_bootstrap, 0, 0, 0, 0, 0),
			  -ENOENT);
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_EQ(port_deallocate(set), 0);
}

UTEST(ns_bootstrap_set_get)
{
	pid_t pid;

	ns_baseline();
	pid = ipc_fork();
	if (pid == 0) {
		set_get_checks();
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	/* Ours is untouched by the child's changes. */
	EXPECT_EQ(port_type(PORT_BOOTSTRAP), RIGHT_SEND);
	EXPECT(ns_sync() >= 0);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* ---- the kernel's send-once notification ----------------------------------- */

/* The NOTIFY_SEND_ONCE that should be waiting on p. */
static void expect_send_once_notice(port_t p)
{
	struct msg m;

	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, IPC_WAIT),
		  MSG_SIZE_MIN + sizeof(port_t));
	EXPECT_EQ(m.h.id, NOTIFY_SEND_ONCE);
	EXPECT_EQ(m.h.sender, 0);
	EXPECT_EQ(msg_notify_name(&m), PORT_NULL);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
}

/* A send-once right destroyed unused tells its port; one used does not. */
UTEST(ns_send_once_notification)
{
	struct mica_task_info info;
	struct msg m;
	port_t p, q, once;
	pid_t pid;

	ns_baseline();
	p = port_allocate();
	q = port_allocate();

	/* Deallocated. */
	once = port_make_send_once(p);
	EXPECT_EQ(port_deallocate(once), 0);
	expect_send_once_notice(p);

	/* Used: the message, and nothing more. */
	once = port_make_send_once(p);
	EXPECT_EQ(send_int(once, 5, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &m), MSG_SIZE_MIN + sizeof(int));
	EXPECT_EQ(m.h.id, 5);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);

	/* Carried in a message thrown away with its dying port. */
	EXPECT_EQ(port_make_send(q), 0);
	msg_init(&m, q, 6, NULL, 0);
	m.h.reply = p;
	m.h.reply_disposition = MSG_MAKE_SEND_ONCE;
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(port_deallocate(q), 0);
	expect_send_once_notice(p);

	/* Held by a task that dies. */
	pid = fork();
	if (pid == 0) {
		EXPECT(recv_wait(PORT_SELF, &m) > 0);
		sleep_forever(); /* with the reply right */
	}
	msg_init(&m, pid, 7, NULL, 0);
	m.h.reply = p;
	m.h.reply_disposition = MSG_MAKE_SEND_ONCE;
	EXPECT_EQ(raw_send(&m, MSG_TO_PID, 0), 0);
	sleep_ms(50);
	EXPECT_EQ(raw_recv(p, &m, sizeof m, MSG_TIMEOUT, 0), -EWOULDBLOCK);
	stop(pid);
	expect_send_once_notice(p);

	/* A Kernel port's answer uses its reply right: no notice after. */
	EXPECT_EQ(kernel_task_info(PORT_KERNEL, &info), 0);
	EXPECT_EQ(queued_now(), 0);

	EXPECT_EQ(port_deallocate(p), 0);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* A server that dies (or drops the request) makes msg_rpc fail with
 * -EDEADNAME at once, instead of waiting for an answer forever. */
UTEST(ns_rpc_server_dies)
{
	static const enum serve_mode modes[] = {HOLD_REQUEST, NEVER_RECEIVE,
						CRASH_ON_REQUEST};
	unsigned long t0;
	pid_t server, killer;
	port_t to;
	int status;

	ns_baseline();
	for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		server = start_server("t-dies", modes[i]);
		to = ns_lookup("t-dies");
		EXPECT(to >= PORT_FIRST_FREE);
		killer = fork();
		if (killer == 0) {
			sleep_ms(200);
			if (modes[i] != CRASH_ON_REQUEST)
				kill(server);
			exit(0);
		}
		t0 = uptime_ms();
		EXPECT_EQ(echo_rpc(to, "are you there?"), -EDEADNAME);
		EXPECT(uptime_ms() - t0 < IPC_WAIT);
		EXPECT_CHILD_OK(killer);
		status = reap_within(server, IPC_WAIT);
		EXPECT(status != -1 && WIFSIGNALED(status));
		EXPECT_EQ(port_type(to), RIGHT_DEAD_NAME);
		EXPECT_EQ(port_deallocate(to), 0);
		ns_sync();
		EXPECT_EQ(ns_lookup("t-dies"), -1);
		EXPECT_EQ(errno, ENOENT);
	}

	/* A live server that throws the reply right away: this call fails,
	 * the next one works (no stale notice answers it). */
	server = start_server("t-drops", DROP_REPLY);
	to = ns_lookup("t-drops");
	EXPECT_EQ(echo_rpc(to, "first"), -EDEADNAME);
	EXPECT_EQ(echo_rpc(to, "second"), 0);
	EXPECT_EQ(echo_rpc(to, "third"), 0);
	EXPECT_EQ(send_int(to, T_QUIT, 0, 0), 0);
	EXPECT_EQ(reap_within(server, IPC_WAIT), 0);
	EXPECT_EQ(port_deallocate(to), 0);
	ns_sync();
	EXPECT_EQ(queued_now(), 0);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* ---- the name server ----------------------------------------------------------- */

UTEST(ns_register_lookup)
{
	port_t to, again, mine;
	pid_t server, pid;

	ns_baseline();
	server = start_server("t-svc", SERVE_ECHO);
	to = ns_lookup("t-svc");
	EXPECT(to >= PORT_FIRST_FREE);
	EXPECT_EQ(port_type(to), RIGHT_SEND);
	EXPECT_EQ(echo_rpc(to, "through the name server"), 0);
	again = ns_lookup("t-svc"); /* the same port: the same name */
	EXPECT_EQ(again, to);
	EXPECT_EQ(port_deallocate(again), 0);
	EXPECT_EQ(port_type(to), RIGHT_SEND);
	EXPECT(listed("t-svc"));

	/* A name is registered once; one port may have several names. */
	mine = port_allocate();
	EXPECT_EQ(ns_register("t-svc", mine), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(ns_register("t-mine", mine), 0);
	EXPECT_EQ(ns_register("t-mine2", mine), 0);
	EXPECT(listed("t-mine") && listed("t-mine2") && listed("t-svc"));

	/* Only the registrant may unregister. */
	EXPECT_EQ(ns_unregister("t-svc"), -1);
	EXPECT_EQ(errno, EPERM);
	pid = ipc_fork();
	if (pid == 0) {
		EXPECT_EQ(ns_unregister("t-mine"), -1);
		EXPECT_EQ(errno, EPERM);
		child_done();
	}
	EXPECT_CHILD_OK(pid);
	EXPECT_EQ(ns_unregister("t-mine"), 0);
	EXPECT_EQ(ns_lookup("t-mine"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(ns_unregister("t-mine"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT(!listed("t-mine") && listed("t-mine2"));
	EXPECT_EQ(ns_register("t-mine", mine), 0); /* free again */

	/* Our port dies (we deallocate it): both its names go. */
	EXPECT_EQ(port_deallocate(mine), 0);
	ns_sync();
	EXPECT(!listed("t-mine") && !listed("t-mine2"));
	EXPECT_EQ(ns_lookup("t-mine2"), -1);
	EXPECT_EQ(errno, ENOENT);

	/* The server quits: its name goes too. */
	EXPECT_EQ(send_int(to, T_QUIT, 0, 0), 0);
	EXPECT_EQ(reap_within(server, IPC_WAIT), 0);
	EXPECT_EQ(port_type(to), RIGHT_DEAD_NAME);
	EXPECT_EQ(port_deallocate(to), 0);
	ns_sync();
	EXPECT_EQ(ns_lookup("t-svc"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Killed, the server's names are forgotten, and may be taken again. */
UTEST(ns_names_freed_on_server_death)
{
	pid_t server;
	port_t to;

	ns_baseline();
	server = start_server("t-die", SERVE_ECHO);
	to = ns_lookup("t-die");
	EXPECT_EQ(echo_rpc(to, "hello"), 0);
	EXPECT(listed("t-die"));
	EXPECT(WIFSIGNALED(stop(server)));
	EXPECT_EQ(port_type(to), RIGHT_DEAD_NAME);
	EXPECT_EQ(port_deallocate(to), 0);
	/* The kernel's dead-name notification made the name server let
	 * the dead port go: after a call that does not touch the name,
	 * nothing of it is left. */
	EXPECT_EQ(ns_lookup("t-unrelated"), -1);
	EXPECT_IPC_NO_LEAK();
	EXPECT_EQ(ns_lookup("t-die"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT(!listed("t-die"));

	/* Without a lookup first: the listing alone must not show it. */
	server = start_server("t-die", SERVE_ECHO);
	EXPECT(WIFSIGNALED(stop(server)));
	EXPECT(!listed("t-die"));

	/* The name is free for a new server. */
	server = start_server("t-die", SERVE_ECHO);
	to = ns_lookup("t-die");
	EXPECT_EQ(echo_rpc(to, "again"), 0);
	EXPECT(WIFSIGNALED(stop(server)));
	EXPECT_EQ(port_deallocate(to), 0);
	ns_sync();
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Waiting for a name: two clients, answered when it is registered. */
UTEST(ns_lookup_wait_register)
{
	pid_t server, client[2];
	unsigned long t0 = uptime_ms();
	port_t to;

	ns_baseline();
	for (int i = 0; i < 2; i++) {
		client[i] = ipc_fork();
		if (client[i] == 0) {
			port_t late = ns_lookup_wait("t-late", IPC_WAIT);

			EXPECT(late >= PORT_FIRST_FREE);
			EXPECT(uptime_ms() - t0 >= 150); /* not before */
			EXPECT_EQ(echo_rpc(late, "found you"), 0);
			child_done();
		}
	}
	sleep_ms(200);
	EXPECT_EQ(ns_lookup("t-late"), -1);
	EXPECT_EQ(errno, ENOENT);
	server = start_server("t-late", SERVE_ECHO);
	EXPECT_CHILD_OK(client[0]);
	EXPECT_CHILD_OK(client[1]);
	EXPECT(uptime_ms() - t0 < IPC_WAIT);

	/* Already there: at once. */
	to = ns_lookup_wait("t-late", 0);
	EXPECT(to >= PORT_FIRST_FREE);
	EXPECT_EQ(send_int(to, T_QUIT, 0, 0), 0);
	EXPECT_EQ(reap_within(server, IPC_WAIT), 0);
	EXPECT_EQ(port_deallocate(to), 0);
	ns_sync();
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Waiting in vain: ETIMEDOUT at the time asked; a waiter that dies is
 * forgotten. */
UTEST(ns_lookup_wait_timeout)
{
	unsigned long t0 = uptime_ms(), took;
	pid_t pid;

	ns_baseline();
	EXPECT_EQ(ns_lookup_wait("t-never", 300), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
	took = uptime_ms() - t0;
	EXPECT(took >= 250 && took < 3000);
	t0 = uptime_ms();
	EXPECT_EQ(ns_lookup_wait("t-never", 0), -1); /* do not wait */
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT(uptime_ms() - t0 < 250);

	/* The waiting client is killed; its wait runs out later. */
	pid = fork();
	if (pid == 0) {
		ns_lookup_wait("t-never", 300);
		exit(0);
	}
	sleep_ms(50);
	EXPECT(WIFSIGNALED(stop(pid)));
	sleep_ms(400);
	/* One waiting forever whose client dies. */
	pid = fork();
	if (pid == 0) {
		ns_lookup_wait("t-never", NS_WAIT_FOREVER);
		exit(0);
	}
	sleep_ms(50);
	EXPECT(WIFSIGNALED(stop(pid)));
	EXPECT(ns_sync() >= 0);
	EXPECT_EQ(ns_lookup("t-never"), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(kcheck(), 0);
	/* The name server let both dead reply rights go (a dead port is
	 * kept in memory while a right names it): no heap is left. */
	EXPECT_IPC_NO_LEAK();
}

/* echo-server and echo-client, the programs, through the name server. */
UTEST(ns_echo_programs)
{
	char *srv[] = {"echo-server", NULL};
	char *cli[] = {"echo-client", "5", "ping", NULL};
	char *endless[] = {"echo-client", "100000000", "x", NULL};
	pid_t server, client;
	port_t to;
	int status;

	ns_baseline();
	server = spawn("echo-server", srv);
	EXPECT(server > 0);
	to = ns_lookup_wait("echo", IPC_WAIT);
	EXPECT(to >= PORT_FIRST_FREE);
	EXPECT_EQ(echo_rpc(to, "from the test"), 0);
	EXPECT_EQ(port_deallocate(to), 0);
	client = spawn("echo-client", cli);
	EXPECT_CHILD_OK(client);

	/* A second server for the same name is refused. */
	client = spawn("echo-server", srv);
	status = reap_within(client, IPC_WAIT);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1);

	/* The server dies under a busy client: status 2, no hang. */
	client = spawn("echo-client", endless);
	sleep_ms(300);
	EXPECT(WIFSIGNALED(stop(server)));
	status = reap_within(client, IPC_WAIT);
	EXPECT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2);

	/* No server at all: status 2. */
	client = spawn("echo-client", cli);
	status = reap_within(client, IPC_WAIT);
	EXPECT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2);
	ns_sync();
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}

/* Names and messages the name server refuses, each with an error answer;
 * and it is still there, serving, afterwards. */
UTEST(ns_bad_requests)
{
	static uint8_t junk[MSG_BODY_MAX];
	static const char *bad_names[] = {"a b", "tab\there", "\x01x", "\x7f"};
	char name[NS_NAME_MAX + 8];
	struct msg m, r;
	port_t p, q;
	pid_t ns = nameserver_pid();
	uint32_t timeout = 100;

	ns_baseline();
	EXPECT(ns > 0);

	/* Names: empty, too long, not NUL-terminated, bytes after the NUL,
	 * blanks and control characters. */
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, NULL, 0), -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, "", 1), -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, "abc", 3), -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, "abc\0def", 8), -EINVAL);
	memset(name, 'n', sizeof name);
	name[NS_NAME_MAX - 1] = '\0'; /* the longest: 31 bytes */
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, name, NS_NAME_MAX), -ENOENT);
	name[NS_NAME_MAX - 1] = 'n';
	name[NS_NAME_MAX] = '\0'; /* one too many */
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, name, NS_NAME_MAX + 1), -ENAMETOOLONG);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, name, NS_NAME_MAX), -ENAMETOOLONG);
	memset(junk, 0xFF, sizeof junk);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP, junk, sizeof junk), -ENAMETOOLONG);
	EXPECT_EQ(ns_raw_body(NS_UNREGISTER, junk, 5), -EINVAL);
	for (unsigned i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		EXPECT_EQ(ns_raw_body(NS_LOOKUP, bad_names[i],
				      strlen(bad_names[i]) + 1),
			  -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP_WAIT, &timeout, 2), -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LOOKUP_WAIT, &timeout, sizeof timeout),
		  -EINVAL);
	EXPECT_EQ(ns_raw_body(NS_LIST, "x", 2), -EINVAL);

	/* Ids it does not know, the largest too. */
	EXPECT_EQ(ns_raw_body(9999, "x", 2), -ENOSYS);
	EXPECT_EQ(ns_raw_body(0x7FFFFFFF, NULL, 0), -ENOSYS);
	EXPECT_EQ(ns_raw_body(-1, NULL, 0), -ENOSYS);
	EXPECT_EQ(ns_raw_body(NS_REGISTER + NS_REPLY_OFFSET, NULL, 0), -ENOSYS);

	/* The same names through the library: refused before sending. */
	p = port_allocate();
	EXPECT_EQ(ns_register("", p), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(ns_register(name, p), -1);
	EXPECT_EQ(errno, ENAMETOOLONG);
	EXPECT_EQ(ns_lookup(NULL), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(ns_register("t-x", BAD_NAME), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(ns_register("a b", p), -1);
	EXPECT_EQ(errno, EINVAL);

	/* Registering with the wrong rights: none, two, a send-once right
	 * (which it then destroys: its port hears so), a receive right
	 * (which dies with it), its own port. */
	EXPECT_EQ(ns_raw_body(NS_REGISTER, "t-x", 4), -EINVAL);
	msg_init(&m, PORT_BOOTSTRAP, 0, "t-x", 4);
	msg_add_right(&m, p, MSG_MAKE_SEND);
	msg_add_right(&m, p, MSG_MAKE_SEND);
	EXPECT_EQ(ns_raw(&m, NS_REGISTER), -EINVAL);
	msg_init(&m, PORT_BOOTSTRAP, 0, "t-x", 4);
	msg_add_right(&m, p, MSG_MAKE_SEND_ONCE);
	EXPECT_EQ(ns_raw(&m, NS_REGISTER), -EINVAL);
	expect_send_once_notice(p);
	q = port_allocate();
	msg_init(&m, PORT_BOOTSTRAP, 0, "t-x", 4);
	msg_add_right(&m, q, MSG_MOVE_RECEIVE);
	EXPECT_EQ(ns_raw(&m, NS_REGISTER), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_port_type, q, 0, 0, 0, 0), -EINVAL); /* gone */
	msg_init(&m, PORT_BOOTSTRAP, 0, "t-x", 4);
	msg_add_right(&m, PORT_BOOTSTRAP, MSG_COPY_SEND);
	EXPECT_EQ(ns_raw(&m, NS_REGISTER), -EINVAL);
	EXPECT_EQ(ns_lookup("t-x"), -1);
	EXPECT_EQ(errno, ENOENT);

	/* Rights a lookup does not take are dropped, not kept. */
	msg_init(&m, PORT_BOOTSTRAP, 0, "t-x", 4);
	msg_add_right(&m, p, MSG_MAKE_SEND_ONCE);
	EXPECT_EQ(ns_raw(&m, NS_LOOKUP), -ENOENT);
	expect_send_once_notice(p);

	/* An answer to a send right (not send-once): it comes, and the
	 * name server lets the right go (no senders are left). */
	msg_init(&m, PORT_BOOTSTRAP, NS_LOOKUP, "t-x", 4);
	m.h.reply = p;
	m.h.reply_disposition = MSG_MAKE_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT_EQ(recv_wait(p, &r), MSG_SIZE_MIN + sizeof(int32_t));
	EXPECT_EQ(r.h.id, NS_LOOKUP + NS_REPLY_OFFSET);
	EXPECT_EQ(body_int(&r), -ENOENT);
	EXPECT_EQ(port_request(p, PORT_REQUEST_NO_SENDERS), 0);
	EXPECT_EQ(recv_wait(PORT_NOTIFY, &r), MSG_SIZE_MIN + sizeof(port_t));
	EXPECT_EQ(r.h.id, NOTIFY_NO_SENDERS);

	/* No reply right at all, a receive right as the reply: dropped. */
	EXPECT_EQ(send_int(PORT_BOOTSTRAP, NS_LOOKUP, 0, 0), 0);
	EXPECT_EQ(send_int(PORT_BOOTSTRAP, 12345, 0, 0), 0);
	q = port_allocate();
	msg_init(&m, PORT_BOOTSTRAP, NS_LIST, NULL, 0);
	m.h.reply = q;
	m.h.reply_disposition = MSG_MOVE_RECEIVE;
	EXPECT_EQ(raw_send(&m, 0, 0), 0);

	/* Still there, still right. */
	EXPECT(ns_sync() >= 0);
	EXPECT_EQ(nameserver_pid(), ns);
	EXPECT_EQ(ns_register("t-x", p), 0);
	EXPECT(listed("t-x"));
	EXPECT_EQ(ns_unregister("t-x"), 0);
	EXPECT_EQ(port_deallocate(p), 0);
	ns_sync();
	EXPECT_EQ(kcheck(), 0);
	EXPECT_IPC_NO_LEAK();
}
