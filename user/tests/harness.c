/*
 * harness.c - what every usertests file shares: the EXPECT checks, leak
 * baselines, and helpers for children and messages (utest.h).
 */
#include "utest.h"

const char *test_name;
int failures;

void fail(int line, const char *what)
{
	printf("utest: %s: check failed at line %d: %s\n", test_name, line,
	       what);
	failures++;
}

void fail_eq(int line, const char *what, long got, long want)
{
	printf("utest: %s: check failed at line %d: %s = %ld, expected %ld\n",
	       test_name, line, what, got, want);
	failures++;
}

/* ---- helpers --------------------------------------------------------- */

struct mica_memstat baseline;

void take_baseline(void)
{
	memstat(&baseline);
}

/* Frames, heap and tasks back where they were (after children are reaped). */
void expect_no_leak(int line)
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

/* Run fn in a child and return the child's wait status. */
int in_child(void (*fn)(void))
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
int task_state(pid_t pid, int *ppid)
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

long raw_send(const struct msg *m, unsigned options, unsigned timeout)
{
	return sys_raw(SYS_msg_send, (long)m, options, timeout, 0, 0);
}

long raw_recv(port_t name, struct msg *buf, unsigned size, unsigned options,
	      unsigned timeout)
{
	return sys_raw(SYS_msg_receive, name, (long)buf, size, options,
		       timeout);
}

long raw_rpc(struct msg *m, struct msg *reply, unsigned size, unsigned options,
	     unsigned timeout)
{
	return sys_raw(SYS_msg_rpc, (long)m, (long)reply, size, options,
		       timeout);
}

/* Receive one message on name, waiting at most IPC_WAIT: the size. */
long recv_wait(port_t name, struct msg *buf)
{
	return raw_recv(name, buf, sizeof *buf, MSG_TIMEOUT, IPC_WAIT);
}

/* Send a message with id and one int in its body. */
long send_int(port_t dest, int id, int value, unsigned options)
{
	struct msg m;

	msg_init(&m, dest, id, &value, sizeof value);
	return raw_send(&m, options, 0);
}

/* The int at the start of a message's body. */
int body_int(const struct msg *m)
{
	int v;

	memcpy(&v, m->body, sizeof v);
	return v;
}

/* An rpc to a Kernel port: the int32 result of op, or -9999 if the reply
 * was not the one expected. */
int kernel_op(port_t kport, int op)
{
	struct msg m, r;
	long n;

	msg_init(&m, kport, op, NULL, 0);
	n = raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT);
	if (n != (long)(MSG_SIZE_MIN + sizeof(int32_t)) ||
	    r.h.id != op + KERNEL_REPLY_OFFSET) {
		printf("utest: %s: kernel op %d: rpc returned %ld, id %d\n",
		       test_name, op, n, (int)r.h.id);
		return -9999;
	}
	return body_int(&r);
}

/* KERNEL_TASK_INFO through kport into *info: 0, or -1 (with a reason
 * printed) if the rpc or its reply was wrong. */
int kernel_task_info(port_t kport, struct mica_task_info *info)
{
	struct msg m, r;
	long n;

	msg_init(&m, kport, KERNEL_TASK_INFO, NULL, 0);
	n = raw_rpc(&m, &r, sizeof r, MSG_TIMEOUT, IPC_WAIT);
	if (n != (long)(MSG_SIZE_MIN + sizeof *info) ||
	    r.h.id != KERNEL_TASK_INFO + KERNEL_REPLY_OFFSET || r.h.sender) {
		printf("utest: %s: TASK_INFO: rpc returned %ld, id %d, "
		       "sender %d\n",
		       test_name, n, (int)r.h.id, (int)r.h.sender);
		return -1;
	}
	memcpy(info, r.body, sizeof *info);
	return 0;
}

/*
 * The baseline for IPC tests. The first msg_rpc of a task creates its
 * private reply port, which then lives as long as the task: make it now,
 * so that it is part of the baseline rather than a "leak".
 */
void ipc_baseline(void)
{
	struct mica_task_info info;

	kernel_task_info(PORT_KERNEL, &info);
	take_baseline();
}

/* expect_no_leak, plus live ports and queued messages. */
void expect_ipc_no_leak(int line)
{
	struct mica_memstat now;

	expect_no_leak(line);
	memstat(&now);
	if (now.ports != baseline.ports)
		fail_eq(line, "ports", now.ports, baseline.ports);
	if (now.messages != baseline.messages)
		fail_eq(line, "messages", now.messages, baseline.messages);
}

/* Messages queued in the kernel now, relative to the baseline. */
long queued_now(void)
{
	struct mica_memstat now;

	memstat(&now);
	return (long)now.messages - (long)baseline.messages;
}

/* fork, with the child's failure count starting from zero. */
pid_t ipc_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		failures = 0;
	return pid;
}

/* The end of a child: its exit status tells whether its checks passed. */
void child_done(void)
{
	exit(failures ? 1 : 0);
}

void expect_child_ok(pid_t pid, int line)
{
	int status = -1;

	if (waitpid(pid, &status, 0) != pid)
		fail(line, "waitpid(child)");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_eq(line, "child's wait status", status, 0);
}

/* CPU ticks (user + kernel) pid has used, or -1 if it is not there. */
long task_ticks(pid_t pid)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++)
		if (info[i].pid == pid)
			return (long)info[i].utime + info[i].stime;
	return -1;
}

void spin_forever(void)
{
	volatile unsigned n = 0;

	for (;;)
		n++;
}
