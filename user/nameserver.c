/*
 * nameserver - the bootstrap port's server: the textbook's matchmaker.
 *
 * Servers register a name with a send right to their port; clients look
 * the name up and get a send right of their own. Nobody needs to know a
 * pid or a port name in advance: only PORT_BOOTSTRAP, which the kernel
 * gives every task at birth (docs/nameserver.md, the protocol in ns.h).
 *
 * Start-up: init spawns us; we make our port and send a send right to
 * init by pid (NS_CHECKIN), init makes it its bootstrap port, and every
 * task it starts afterwards inherits it.
 *
 * One loop receives from a port set holding our Notify port (first, so
 * that the kernel's news is read before requests) and our service port.
 * For each registered send right we ask for a dead-name notification;
 * when its server dies, the name is forgotten. A request never makes us
 * wait: answers go with a zero timeout, and a bad message gets an error
 * answer (or, without a reply right, is dropped), never a crash.
 */
#include <errno.h>
#include <ns.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WAITERS_MAX   16	 /* NS_LOOKUP_WAIT requests held at once */
#define LONGEST_WAIT  0x7FFFFFFF /* ms: a longer timeout is forever */
#define CHECKIN_WAIT  5000	 /* ms: for init to take our port */
#define NAMES_RESERVE 64	 /* names our port name space starts with */

struct entry {
	char name[NS_NAME_MAX]; /* "" if the slot is free */
	port_t port;		/* our send right to the server's port */
	int pid;		/* who registered it (may unregister it) */
};

struct waiter {
	char name[NS_NAME_MAX]; /* "" if the slot is free */
	port_t reply;		/* the client's reply right, kept */
	unsigned reply_disp;	/* MSG_MOVE_SEND_ONCE, or MSG_MOVE_SEND */
	bool forever;
	unsigned long deadline; /* uptime_ms() */
};

/* What a request's answer says (ns.h: reply id = request id + 100). */
struct answer {
	int32_t result;
	const void *more; /* bytes after the result */
	unsigned more_len;
	port_t right; /* a send right to copy to the client, or PORT_NULL */
};

static struct entry names[NS_NAMES_MAX];
static struct waiter waiters[WAITERS_MAX];
static port_t service, set;
static struct msg req, rep, note; /* static: serving never grows memory */

/* ---- names --------------------------------------------------------------- */

/*
 * Check the name a request's body carries from offset off: printable,
 * no blanks, 1..NS_NAME_MAX-1 bytes, and its NUL the body's last byte.
 */
static int32_t check_name(const struct msg *m, unsigned off, const char **out)
{
	unsigned len = msg_body_len(m), n;
	const char *s = (const char *)m->body + off;

	if (len <= off)
		return -EINVAL; /* no name at all */
	len -= off;
	for (n = 0; n < len && n < NS_NAME_MAX; n++)
		if (s[n] == '\0')
			break;
	if (n == len || n == NS_NAME_MAX)
		return len >= NS_NAME_MAX ? -ENAMETOOLONG : -EINVAL;
	if (n == 0 || n != len - 1)
		return -EINVAL; /* empty, or bytes after the NUL */
	for (unsigned i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return -EINVAL;
	*out = s;
	return 0;
}

static bool is_dead(port_t name)
{
	return port_type(name) == RIGHT_DEAD_NAME;
}

/* Forget every name registered for the port we call `port` (its server
 * died, or gave the port away): one send right each goes. */
static void forget_port(port_t port)
{
	for (int i = 0; i < NS_NAMES_MAX; i++) {
		if (names[i].name[0] && names[i].port == port) {
			names[i].name[0] = '\0';
			port_deallocate(port);
		}
	}
}

/* The live entry for name, or NULL. A dead one is forgotten here, even
 * if its notification has not been read yet. */
static struct entry *find(const char *name)
{
	for (int i = 0; i < NS_NAMES_MAX; i++) {
		if (!names[i].name[0] || strcmp(names[i].name, name) != 0)
			continue;
		if (!is_dead(names[i].port))
			return &names[i];
		forget_port(names[i].port);
		return NULL;
	}
	return NULL;
}

static bool port_registered(port_t port)
{
	for (int i = 0; i < NS_NAMES_MAX; i++)
		if (names[i].name[0] && names[i].port == port)
			return true;
	return false;
}

/* ---- notifications ------------------------------------------------------ */

/* Forget the clients waiting with the reply right `reply` (they died). */
static void forget_waiters(port_t reply)
{
	for (int i = 0; i < WAITERS_MAX; i++) {
		if (waiters[i].name[0] && waiters[i].reply == reply) {
			waiters[i].name[0] = '\0';
			port_deallocate(reply);
		}
	}
}

static void notification(const struct msg *m)
{
	port_t name = msg_notify_name(m);

	if (m->h.sender != 0)
		return; /* only the kernel writes here */
	/* A server, or a waiting client, died. Check the name is still
	 * dead: this news may be older than our last use of the name. */
	if (m->h.id == NOTIFY_DEAD_NAME && name != PORT_NULL && is_dead(name)) {
		forget_port(name);
		forget_waiters(name);
	}
	/* NOTIFY_PORT_DELETED: we deallocated it ourselves; nothing to do. */
}

/* Read every notification already queued: before we answer anything,
 * what the kernel told us is taken into account. */
static void read_notifications(void)
{
	while (msg_receive(PORT_NOTIFY, &note, sizeof note, MSG_TIMEOUT, 0) >=
	       0)
		notification(&note);
}

/* ---- answers ------------------------------------------------------------- */

/* Send an answer on reply (a right we hold; it is used up or dropped). */
static void send_answer(port_t reply, unsigned disp, int id, struct answer *a)
{
	if (a->right != PORT_NULL && is_dead(a->right)) {
		forget_port(a->right); /* its server died just now */
		*a = (struct answer){-ENOENT, NULL, 0, PORT_NULL};
	}
	/* Unsigned: any id may come in, INT_MAX too (no overflow). */
	msg_init(&rep, reply, (int)((unsigned)id + NS_REPLY_OFFSET), &a->result,
		 sizeof a->result);
	if (a->more_len) {
		memcpy(rep.body + sizeof a->result, a->more, a->more_len);
		rep.h.size += a->more_len;
	}
	if (a->right != PORT_NULL)
		msg_add_right(&rep, a->right, MSG_COPY_SEND);
	/* Never wait: a reply (send-once) right never blocks, and a client
	 * that gave a send right to a full queue loses its answer. */
	if (msg_send(&rep, MSG_TIMEOUT, 0) < 0 || disp != MSG_MOVE_SEND_ONCE) {
		/* Unused (its client is gone), or a send right, which
		 * sending does not use up. */
		port_deallocate(reply);
	}
}

/* Answer the clients waiting for name, now that it is registered. */
static void wake_waiters(const char *name, port_t port)
{
	for (int i = 0; i < WAITERS_MAX; i++) {
		struct waiter *w = &waiters[i];
		struct answer a = {0, NULL, 0, port};

		if (!w->name[0] || strcmp(w->name, name) != 0)
			continue;
		w->name[0] = '\0';
		send_answer(w->reply, w->reply_disp, NS_LOOKUP_WAIT, &a);
	}
}

/* Answer the waiters whose time is up; returns the ms until the next
 * deadline (0: none). */
static unsigned expire_waiters(void)
{
	unsigned long now = uptime_ms();
	unsigned next = 0;

	for (int i = 0; i < WAITERS_MAX; i++) {
		struct waiter *w = &waiters[i];
		long left = (long)(w->deadline - now);
		struct answer a = {-ETIMEDOUT, NULL, 0, PORT_NULL};

		if (!w->name[0] || w->forever)
			continue;
		if (left > 0) {
			if (next == 0 || (unsigned)left < next)
				next = (unsigned)left;
			continue;
		}
		w->name[0] = '\0';
		send_answer(w->reply, w->reply_disp, NS_LOOKUP_WAIT, &a);
	}
	return next;
}

/* A free waiter slot, dropping waiters whose client has died. */
static struct waiter *free_waiter(void)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < WAITERS_MAX; i++)
			if (!waiters[i].name[0])
				return &waiters[i];
		for (int i = 0; i < WAITERS_MAX; i++) {
			if (is_dead(waiters[i].reply)) {
				port_deallocate(waiters[i].reply);
				waiters[i].name[0] = '\0';
			}
		}
	}
	return NULL;
}

/* ---- requests -------------------------------------------------------------- */

static int32_t do_register(struct msg *m)
{
	const char *name;
	int32_t err = check_name(m, 0, &name);
	struct entry *e = NULL;
	port_t port;

	if (err)
		return err;
	if (m->h.nrights != 1 || m->h.rights[0].disposition != MSG_MOVE_SEND ||
	    m->h.rights[0].name == PORT_NULL)
		return -EINVAL; /* a send right to serve, and nothing else */
	port = m->h.rights[0].name;
	if (port == PORT_BOOTSTRAP || (port_type(port) & RIGHT_RECEIVE))
		return -EINVAL; /* our own port: nobody's service */
	if (find(name))
		return -EEXIST;
	for (int i = 0; i < NS_NAMES_MAX && !e; i++)
		if (!names[i].name[0])
			e = &names[i];
	if (!e)
		return -ENOSPC;
	/* One dead-name request per port, however many names it has. */
	if (!port_registered(port) &&
	    port_request(port, PORT_REQUEST_DEAD_NAME) < 0)
		return -errno;
	strcpy(e->name, name);
	e->port = port;
	e->pid = m->h.sender;
	m->h.rights[0].name = PORT_NULL; /* ours now */
	wake_waiters(name, port);
	return 0;
}

static int32_t do_lookup(struct msg *m, struct answer *a)
{
	const char *name;
	int32_t err = check_name(m, 0, &name);
	struct entry *e;

	if (err)
		return err;
	e = find(name);
	if (!e)
		return -ENOENT;
	a->right = e->port;
	return 0;
}

/* As lookup; if the name is not there yet, keep the reply right until it
 * is registered or the time is up (then the answer is -ETIMEDOUT). */
static int32_t do_lookup_wait(struct msg *m, struct answer *a)
{
	const char *name;
	uint32_t timeout;
	int32_t err = check_name(m, sizeof timeout, &name);
	struct entry *e;
	struct waiter *w;

	if (err)
		return err;
	memcpy(&timeout, m->body, sizeof timeout);
	e = find(name);
	if (e) {
		a->right = e->port;
		return 0;
	}
	if (timeout == 0)
		return -ETIMEDOUT;
	if (m->h.reply == PORT_NULL)
		return 0; /* nobody to tell: nothing to wait for */
	w = free_waiter();
	if (!w)
		return -ENOSPC;
	/* If the client dies while it waits, let us know and free the slot
	 * (and the dead port the right keeps in memory). */
	if (port_request(m->h.reply, PORT_REQUEST_DEAD_NAME) < 0)
		return -errno;
	strcpy(w->name, name);
	w->reply = m->h.reply;
	w->reply_disp = m->h.reply_disposition;
	w->forever = timeout > LONGEST_WAIT;
	w->deadline = uptime_ms() + timeout;
	m->h.reply = PORT_NULL; /* kept: answered later */
	return 0;
}

static int32_t do_unregister(struct msg *m)
{
	const char *name;
	int32_t err = check_name(m, 0, &name);
	struct entry *e;

	if (err)
		return err;
	e = find(name);
	if (!e)
		return -ENOENT;
	if (e->pid != m->h.sender)
		return -EPERM;
	e->name[0] = '\0';
	port_deallocate(e->port);
	return 0;
}

/* NS_LIST: the count (the result), then each name and its NUL. */
static int32_t do_list(struct msg *m, struct answer *a)
{
	static char buf[NS_NAMES_MAX * NS_NAME_MAX];
	unsigned len = 0;
	int32_t count = 0;

	if (msg_body_len(m) != 0)
		return -EINVAL;
	for (int i = 0; i < NS_NAMES_MAX; i++) {
		if (!names[i].name[0] || !find(names[i].name))
			continue;
		strcpy(buf + len, names[i].name);
		len += strlen(names[i].name) + 1;
		count++;
	}
	a->more = buf;
	a->more_len = len;
	return count;
}

/* Deallocate what a request brought and the call did not take; a receive
 * right takes the names registered for its port with it. Out-of-line
 * memory (no request has any) is given back, or it would stay mapped in
 * us for good. */
static void drop_rights(struct msg *m)
{
#ifdef MSG_OOL_MAX
	for (uint32_t i = 0; i < m->h.nool && i < MSG_OOL_MAX; i++)
		munmap((void *)m->h.ool[i].addr, m->h.ool[i].size);
#endif
	for (uint32_t i = 0; i < m->h.nrights && i < MSG_RIGHTS_MAX; i++) {
		port_t name = m->h.rights[i].name;

		if (name == PORT_NULL)
			continue;
		if (m->h.rights[i].disposition == MSG_MOVE_RECEIVE)
			forget_port(name);
		port_deallocate(name);
	}
}

static void request(struct msg *m)
{
	struct answer a = {-ENOSYS, NULL, 0, PORT_NULL};

	read_notifications();
	if (m->h.sender == 0) { /* the kernel, not a client: no request */
		m->h.id = 0;
		a.result = -EINVAL;
	}
	switch (m->h.id) {
	case NS_REGISTER:
		a.result = do_register(m);
		break;
	case NS_LOOKUP:
		a.result = do_lookup(m, &a);
		break;
	case NS_LOOKUP_WAIT:
		a.result = do_lookup_wait(m, &a);
		break;
	case NS_UNREGISTER:
		a.result = do_unregister(m);
		break;
	case NS_LIST:
		a.result = do_list(m, &a);
		break;
	}
	if (a.result < 0)
		a.right = PORT_NULL;
	drop_rights(m);
	read_notifications(); /* what our own deallocations caused */
	if (m->h.reply != PORT_NULL) {
		if (m->h.reply_disposition == MSG_MOVE_RECEIVE) {
			forget_port(m->h.reply);
			port_deallocate(m->h.reply);
		} else {
			send_answer(m->h.reply, m->h.reply_disposition, m->h.id,
				    &a);
		}
	}
}

/* ---- start-up -------------------------------------------------------------- */

/*
 * Take now the memory serving will need: stack pages, and a name space
 * big enough for every registration and waiter. Then serving allocates
 * nothing, and the leak checks of the tests, which see us as part of
 * the system, see no change.
 */
static void reserve_memory(void)
{
	volatile char stack[8192];
	port_t ports[NAMES_RESERVE];
	int n = 0;

	for (unsigned i = 0; i < sizeof stack; i += 512)
		stack[i] = 0;
	while (n < NAMES_RESERVE - 8 && (ports[n] = port_allocate()) > 0)
		n++;
	while (n > 0)
		port_deallocate(ports[--n]);
}

/* Give our parent (init) a send right to our port, by pid. */
static void check_in(void)
{
	struct msg m;

	msg_init(&m, getppid(), NS_CHECKIN, NULL, 0);
	msg_add_right(&m, service, MSG_MAKE_SEND);
	if (msg_send(&m, MSG_TO_PID | MSG_TIMEOUT, CHECKIN_WAIT) < 0)
		printf("nameserver: cannot check in with pid %d (errno %d)\n",
		       getppid(), errno);
}

int main(void)
{
	reserve_memory();
	service = port_allocate();
	set = port_set_allocate();
	if (service < 0 || set < 0 || port_set_add(set, PORT_NOTIFY) < 0 ||
	    port_set_add(set, service) < 0 || port_make_send(service) < 0 ||
	    task_set_bootstrap(service) < 0) {
		printf("nameserver: cannot set up my ports (errno %d)\n",
		       errno);
		return 1;
	}
	check_in();
	for (;;) {
		unsigned wait = expire_waiters();

		if (msg_receive(set, &req, sizeof req, wait ? MSG_TIMEOUT : 0,
				wait) < 0) {
			if (errno != ETIMEDOUT)
				sleep_ms(10); /* do not spin on an error */
			continue;
		}
		if (req.h.dest == PORT_NOTIFY)
			notification(&req);
		else
			request(&req);
	}
}
