/*
 * ipc.c - C wrappers around the port and message system calls, and a few
 * helpers for building messages.
 *
 * Each wrapper makes one system call (user/lib/syscall.S) and turns a
 * negative answer into -1 and errno, exactly as unistd.c does. Tests that
 * need the kernel's exact error code call sys_raw() instead.
 */
#include <errno.h>
#include <ipc.h>
#include <string.h>

#include "syscall.h"

/* The same conversion as in unistd.c: -4095..-1 are errors. */
static long check(long r)
{
	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* ---- ports and rights ---------------------------------------------- */

port_t port_allocate(void)
{
	return check(syscall0(SYS_port_allocate));
}

int port_deallocate(port_t name)
{
	return check(syscall1(SYS_port_deallocate, name));
}

int port_type(port_t name)
{
	return check(syscall1(SYS_port_type, name));
}

int port_make_send(port_t name)
{
	return check(syscall1(SYS_port_make_send, name));
}

port_t port_make_send_once(port_t name)
{
	return check(syscall1(SYS_port_make_send_once, name));
}

int port_set_qlimit(port_t name, unsigned limit)
{
	return check(syscall2(SYS_port_set_qlimit, name, limit));
}

int port_request(port_t name, int kind)
{
	return check(syscall2(SYS_port_request, name, kind));
}

/* ---- port sets -------------------------------------------------------- */

port_t port_set_allocate(void)
{
	return check(syscall0(SYS_port_set_allocate));
}

int port_set_add(port_t set, port_t name)
{
	return check(syscall2(SYS_port_set_add, set, name));
}

int port_set_remove(port_t set, port_t name)
{
	return check(syscall2(SYS_port_set_remove, set, name));
}

/* ---- messages ---------------------------------------------------------- */

/* MSG_WILL_NOTIFY (1) is not an error: check() passes it through. */
int msg_send(const struct msg *m, unsigned options, unsigned timeout_ms)
{
	return check(syscall3(SYS_msg_send, m, options, timeout_ms));
}

int msg_receive(port_t name, struct msg *buf, unsigned size, unsigned options,
		unsigned timeout_ms)
{
	return check(__syscall5(SYS_msg_receive, name, (long)buf, size, options,
				timeout_ms));
}

int msg_rpc(struct msg *m, struct msg *reply, unsigned size, unsigned options,
	    unsigned timeout_ms)
{
	return check(__syscall5(SYS_msg_rpc, (long)m, (long)reply, size,
				options, timeout_ms));
}

int msg_reply_receive(const struct msg *reply, port_t name, struct msg *buf,
		      unsigned size, unsigned options)
{
	return check(__syscall5(SYS_msg_reply_receive, (long)reply, name,
				(long)buf, size, options));
}

port_t task_for_pid(int pid)
{
	return check(syscall1(SYS_task_for_pid, pid));
}

/* ---- helpers ------------------------------------------------------------ */

void msg_init(struct msg *m, port_t dest, int id, const void *body,
	      unsigned len)
{
	if (len > MSG_BODY_MAX)
		len = MSG_BODY_MAX;
	/* Clear the header, so that no stale right or option survives from
	 * an earlier use of the same buffer. */
	memset(&m->h, 0, sizeof m->h);
	m->h.size = sizeof(struct msg_header) + len;
	m->h.dest = dest;
	m->h.reply = PORT_NULL;
	m->h.id = id;
	m->h.nrights = 0;
	m->h.nool = 0;
	if (len > 0 && body != NULL)
		memcpy(m->body, body, len);
}

unsigned msg_body_len(const struct msg *m)
{
	if (m->h.size < sizeof(struct msg_header))
		return 0;
	return m->h.size - sizeof(struct msg_header);
}

int msg_add_right(struct msg *m, port_t name, unsigned disposition)
{
	if (m->h.nrights >= MSG_RIGHTS_MAX) {
		errno = EINVAL;
		return -1;
	}
	m->h.rights[m->h.nrights].name = name;
	m->h.rights[m->h.nrights].disposition = disposition;
	m->h.nrights++;
	return 0;
}

port_t msg_notify_name(const struct msg *m)
{
	port_t name;

	if (msg_body_len(m) < sizeof name)
		return PORT_NULL;
	memcpy(&name, m->body, sizeof name); /* the body may be unaligned */
	return name;
}
