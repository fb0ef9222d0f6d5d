/*
 * ns.c - the name server's client library (ns.h), and the bootstrap
 * port's two system calls.
 *
 * Each call is one msg_rpc to the bootstrap port. If the name server
 * dies while it holds our request, the kernel destroys our reply right
 * and msg_rpc fails with EDEADNAME: a client never hangs on a dead name
 * server.
 */
#include <errno.h>
#include <ns.h>
#include <string.h>

#include "syscall.h"

/* Far longer than the name server takes to answer; only a stopped (not
 * a dead) name server makes a call wait this long. */
#define NS_CALL_TIMEOUT 10000 /* ms */

static long check(long r)
{
	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int task_set_bootstrap(port_t name)
{
	return check(syscall1(SYS_task_set_bootstrap, name));
}

port_t task_get_bootstrap(void)
{
	return check(syscall0(SYS_task_get_bootstrap));
}

/*
 * A request for name: `head` bytes (may be 0) then the name and its NUL.
 * The name is checked here too, so that a bad one fails before any
 * message is sent.
 */
static int build(struct msg *m, int id, const void *head, unsigned head_len,
		 const char *name)
{
	unsigned len = 0;

	if (!name) {
		errno = EINVAL;
		return -1;
	}
	while (len < NS_NAME_MAX && name[len])
		len++;
	if (len == NS_NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	msg_init(m, PORT_NULL, id, head, head_len);
	memcpy(m->body + head_len, name, len + 1);
	m->h.size += len + 1;
	return 0;
}

/* Deallocate the rights an unexpected reply brought. */
static void drop_rights(struct msg *r)
{
	for (uint32_t i = 0; i < r->h.nrights && i < MSG_RIGHTS_MAX; i++)
		if (r->h.rights[i].name != PORT_NULL)
			port_deallocate(r->h.rights[i].name);
	if (r->h.reply != PORT_NULL)
		port_deallocate(r->h.reply);
}

/*
 * Send request m to the name server and wait for its answer in r (m and
 * r may be the same). Returns the result the answer carries if it is
 * >= 0; else -1 with errno: the name server's error, EDEADNAME if there
 * is no name server (or it died), EIO for a garbled answer.
 */
static int call(struct msg *m, struct msg *r, unsigned timeout_ms)
{
	int id = m->h.id;
	port_t ns = task_get_bootstrap();
	int32_t result;

	if (ns < 0) {
		errno = EDEADNAME; /* none set, or it died */
		return -1;
	}
	m->h.dest = ns;
	if (msg_rpc(m, r, sizeof *r, timeout_ms ? MSG_TIMEOUT : 0, timeout_ms) <
	    0)
		return -1;
	if (r->h.id != id + NS_REPLY_OFFSET ||
	    msg_body_len(r) < sizeof result) {
		drop_rights(r);
		errno = EIO;
		return -1;
	}
	memcpy(&result, r->body, sizeof result);
	if (result < 0) {
		drop_rights(r);
		errno = -result;
		return -1;
	}
	return result;
}

int ns_register(const char *name, port_t port)
{
	struct msg m;
	int type = port_type(port);

	if (type < 0)
		return -1; /* EINVAL: no such name */
	if (build(&m, NS_REGISTER, NULL, 0, name) < 0)
		return -1;
	/* From a receive right, make a send right; else copy ours. */
	msg_add_right(&m, port,
		      type & RIGHT_RECEIVE ? MSG_MAKE_SEND : MSG_COPY_SEND);
	return call(&m, &m, NS_CALL_TIMEOUT) < 0 ? -1 : 0;
}

/* The send right a successful lookup's answer carries. */
static port_t looked_up(struct msg *r)
{
	if (r->h.nrights != 1 || r->h.rights[0].disposition != MSG_MOVE_SEND ||
	    r->h.rights[0].name == PORT_NULL) {
		drop_rights(r);
		errno = EIO;
		return -1;
	}
	return r->h.rights[0].name;
}

port_t ns_lookup(const char *name)
{
	struct msg m;

	if (build(&m, NS_LOOKUP, NULL, 0, name) < 0 ||
	    call(&m, &m, NS_CALL_TIMEOUT) < 0)
		return -1;
	return looked_up(&m);
}

port_t ns_lookup_wait(const char *name, unsigned timeout_ms)
{
	struct msg m;
	uint32_t t = timeout_ms;
	/* The name server answers at the timeout; wait a little longer. */
	unsigned ours = timeout_ms > NS_WAIT_FOREVER - NS_CALL_TIMEOUT
			    ? 0
			    : timeout_ms + NS_CALL_TIMEOUT;

	if (build(&m, NS_LOOKUP_WAIT, &t, sizeof t, name) < 0 ||
	    call(&m, &m, ours) < 0)
		return -1;
	return looked_up(&m);
}

int ns_unregister(const char *name)
{
	struct msg m;

	if (build(&m, NS_UNREGISTER, NULL, 0, name) < 0)
		return -1;
	return call(&m, &m, NS_CALL_TIMEOUT) < 0 ? -1 : 0;
}

int ns_list(char *buf, unsigned size)
{
	struct msg m;
	int count;
	unsigned len;

	msg_init(&m, PORT_NULL, NS_LIST, NULL, 0);
	count = call(&m, &m, NS_CALL_TIMEOUT);
	if (count < 0)
		return -1;
	len = msg_body_len(&m) - sizeof(int32_t);
	if (size > 0) {
		if (len > size - 1)
			len = size - 1;
		memcpy(buf, m.body + sizeof(int32_t), len);
		buf[len] = '\0';
	}
	return count;
}
