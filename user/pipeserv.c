/*
 * pipeserv - the pipe server: ordinary pipes and FIFOs, in user space.
 *
 *     pipeserv        serve, registered with the name server as "pipe"
 *     pipeserv -p     serve privately: reached only by pid (MSG_TO_PID,
 *                     the tests use this to kill a server of their own)
 *
 * The protocol is user/include/pipe.h; docs/pipes.md tells the design.
 * In short: every pipe end is a port. A client's descriptor holds a send
 * right to it (kept by the kernel), so the server learns that the last
 * descriptor for an end is gone from its no-senders notification. A
 * request that cannot be answered yet (a READ of an empty pipe, a WRITE
 * to a full one, the OPEN of a FIFO nobody has opened the other way)
 * keeps its reply right and is answered when things change: the server
 * never polls and never sleeps except in msg_receive.
 *
 * Everything is in fixed tables: the server's memory does not grow while
 * it runs, so tests can check that frames come back to their baseline.
 *
 * Answers are sent first and committed after: bytes leave a pipe's
 * buffer only when the READ's answer has been sent, and a WRITE's bytes
 * enter it only when its answer has. A client that died while it waited
 * therefore loses nothing for the others.
 */
#include <errno.h>
#include <ipc.h>
#include <ns.h>
#include <pipe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PIPES_MAX   32	/* pipes and FIFOs at once */
#define ENDS_MAX    128 /* open ends (ports) at once */
#define WAITERS_MAX 64	/* requests waiting at once */
#define NAMES_MAX   256 /* our name space is grown to this at start */

/* A request to answer later; its client is blocked in msg_rpc. */
struct waiter {
	struct waiter *next;
	port_t reply;	 /* the client's send-once right */
	struct end *end; /* READ, WRITE: the end it came in on */
	uint32_t len;	 /* READ: at most this; WRITE: bytes in data */
	int flags;	 /* OPEN: O_RDONLY or O_WRONLY */
	uint8_t data[PIPE_WRITE_MAX];
};

struct queue {
	struct waiter *head, *tail; /* oldest first */
};

struct pipe {
	bool used;
	bool fifo;   /* made by mkfifo; else by pipe() */
	bool linked; /* a FIFO whose name can still be opened */
	char name[PIPE_NAME_MAX];
	uint8_t buf[PIPE_BUF_SIZE]; /* a ring: len bytes from head */
	unsigned head, len;
	int readers, writers; /* open ends of each kind */
	struct queue reads, writes, opens;
};

struct end {
	port_t port; /* its receive right here; PORT_NULL: a free slot */
	struct pipe *pipe;
	bool write;
};

static struct pipe pipes[PIPES_MAX];
static struct end ends[ENDS_MAX];
static struct waiter waiters[WAITERS_MAX];
static struct waiter *free_waiters;
static port_t service, port_set;
static struct msg in, out; /* static: the stack stays small */

/* ---- answers and rights ------------------------------------------------ */

/*
 * Send the answer to request `id`: the result, then len bytes of data,
 * and send rights to the given ends (moved out of our names). Never
 * blocks: a send-once right ignores the queue limit, and anything else is
 * tried once. 0, or -1 with our rights as they were.
 */
static int send_answer(port_t reply, int id, int32_t result, const void *data,
		       unsigned len, const port_t *rights, unsigned nrights)
{
	msg_init(&out, reply, id + PIPE_REPLY_OFFSET, &result, sizeof result);
	if (len > 0) {
		memcpy(out.body + sizeof result, data, len);
		out.h.size += len;
	}
	for (unsigned i = 0; i < nrights; i++)
		msg_add_right(&out, rights[i], MSG_MOVE_SEND);
	return msg_send(&out, MSG_TIMEOUT, 0) == 0 ? 0 : -1;
}

/*
 * Answer on a client's send-once reply right. If the answer cannot go
 * (the client died), the reply right is dropped all the same, so that a
 * client still waiting somehow gets an error instead of waiting forever;
 * the rights we meant to give stay ours (the caller undoes).
 */
static int answer(port_t reply, int id, int32_t result, const void *data,
		  unsigned len, const port_t *rights, unsigned nrights)
{
	if (send_answer(reply, id, result, data, len, rights, nrights) == 0)
		return 0;
	port_deallocate(reply);
	return -1;
}

static void answer_result(port_t reply, int id, int32_t result)
{
	answer(reply, id, result, NULL, 0, NULL, 0);
}

/*
 * Drop a send right we were given to one of our own ports: it shares
 * the name of our receive right, and port_deallocate would destroy the
 * port. Move it into a message to a throw-away port instead, and destroy
 * that port: the message goes, and the right with it.
 */
static void drop_own_send(port_t name)
{
	port_t tmp = port_allocate(), once;

	if (tmp < 0)
		return;
	once = port_make_send_once(tmp);
	if (once > 0) {
		msg_init(&out, once, 0, NULL, 0);
		msg_add_right(&out, name, MSG_MOVE_SEND);
		if (msg_send(&out, MSG_TIMEOUT, 0) < 0)
			port_deallocate(once);
	}
	port_deallocate(tmp);
}

/* Drop a right a message brought (disp: what arrived), whatever it is. */
static void drop_right(port_t name, unsigned disp)
{
	int type = name == PORT_NULL ? -1 : port_type(name);

	if (type < 0)
		return;
	if (disp == MSG_MOVE_SEND && (type & RIGHT_RECEIVE))
		drop_own_send(name);
	else
		port_deallocate(name); /* one send right, or the whole name */
}

/* No request carries rights or out-of-line memory: drop any that came
 * (the pages are mapped into our address space: give them back). */
static void drop_carried(struct msg *m)
{
	for (unsigned i = 0; i < m->h.nrights && i < MSG_RIGHTS_MAX; i++)
		drop_right(m->h.rights[i].name, m->h.rights[i].disposition);
	for (unsigned i = 0; i < m->h.nool && i < MSG_OOL_MAX; i++)
		munmap((void *)m->h.ool[i].addr, m->h.ool[i].size);
}

/* ---- waiters ------------------------------------------------------------- */

static struct waiter *waiter_new(port_t reply)
{
	struct waiter *w = free_waiters;

	if (w) {
		free_waiters = w->next;
		memset(w, 0, offsetof(struct waiter, data));
		w->reply = reply;
	}
	return w;
}

static void waiter_free(struct waiter *w)
{
	w->next = free_waiters;
	free_waiters = w;
}

static void enqueue(struct queue *q, struct waiter *w)
{
	w->next = NULL;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

static struct waiter *dequeue(struct queue *q)
{
	struct waiter *w = q->head;

	if (w) {
		q->head = w->next;
		if (!q->head)
			q->tail = NULL;
	}
	return w;
}

/* Forget the waiters of end e: their clients are gone (see end_close). */
static void drop_waiters(struct queue *q, struct end *e)
{
	struct queue keep = {NULL, NULL};
	struct waiter *w;

	while ((w = dequeue(q)) != NULL) {
		if (w->end == e) {
			port_deallocate(w->reply);
			waiter_free(w);
		} else {
			enqueue(&keep, w);
		}
	}
	*q = keep;
}

/* ---- pipes and ends ------------------------------------------------------ */

static struct pipe *pipe_new(bool fifo, const char *name)
{
	for (int i = 0; i < PIPES_MAX; i++) {
		struct pipe *p = &pipes[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof *p);
		p->used = true;
		p->fifo = fifo;
		p->linked = fifo;
		strncpy(p->name, name, sizeof p->name - 1);
		return p;
	}
	return NULL;
}

/*
 * A new end of p: a port of its own, with one send right made for the
 * client. The no-senders request must come after the send right exists
 * (asked with no send rights at all, it fires at once), and last: once
 * it is made, only a notification may close the end (end_abandon).
 */
static struct end *end_new(struct pipe *p, bool write)
{
	struct end *e = NULL;
	port_t port;

	for (int i = 0; i < ENDS_MAX && !e; i++)
		if (ends[i].port == PORT_NULL)
			e = &ends[i];
	if (!e || (port = port_allocate()) < 0)
		return NULL;
	if (port_set_add(port_set, port) < 0 || port_make_send(port) < 0 ||
	    port_request(port, PORT_REQUEST_NO_SENDERS) < 0) {
		port_deallocate(port); /* the whole name: the port dies */
		return NULL;
	}
	e->port = port;
	e->pipe = p;
	e->write = write;
	if (write)
		p->writers++;
	else
		p->readers++;
	return e;
}

static struct end *end_of(port_t port)
{
	for (int i = 0; i < ENDS_MAX; i++)
		if (ends[i].port == port && port != PORT_NULL)
			return &ends[i];
	return NULL;
}

/*
 * End e is closed: its no-senders notification came, nobody holds a send
 * right to it any more. Its port dies. Anyone still waiting on it was
 * blocked in msg_rpc holding a descriptor for it, so they must be dead
 * too: their requests go.
 */
static void end_close(struct end *e)
{
	struct pipe *p = e->pipe;

	port_deallocate(e->port); /* the receive right: the port dies */
	e->port = PORT_NULL;
	if (e->write)
		p->writers--;
	else
		p->readers--;
	drop_waiters(&p->reads, e);
	drop_waiters(&p->writes, e);
}

/*
 * The answer that carried e's send right could not go (its client died):
 * drop the right we still hold, and e closes when the notification comes,
 * like any end. Destroying the port here instead would still send that
 * notification (the send right goes first), and it would arrive for a
 * name we may have given to a new end by then.
 */
static void end_abandon(struct end *e)
{
	drop_own_send(e->port);
}

/* ---- moving bytes ------------------------------------------------------- */

static bool has_room(const struct pipe *p, unsigned n)
{
	return PIPE_BUF_SIZE - p->len >= n;
}

/* The oldest WRITE goes in if its bytes fit (all of them: a write of up
 * to PIPE_WRITE_MAX bytes is never split), or fails if no reader is left. */
static bool run_one_write(struct pipe *p)
{
	struct waiter *w = p->writes.head;
	unsigned tail, first;

	if (!w || (p->readers > 0 && !has_room(p, w->len)))
		return false;
	dequeue(&p->writes);
	if (p->readers == 0) {
		answer_result(w->reply, PIPE_WRITE, -EPIPE);
	} else if (answer(w->reply, PIPE_WRITE, w->len, NULL, 0, NULL, 0) ==
		   0) {
		tail = (p->head + p->len) % PIPE_BUF_SIZE;
		first = PIPE_BUF_SIZE - tail < w->len ? PIPE_BUF_SIZE - tail
						      : w->len;
		memcpy(p->buf + tail, w->data, first);
		memcpy(p->buf, w->data + first, w->len - first);
		p->len += w->len;
	}
	waiter_free(w);
	return true;
}

/* The oldest READ gets what there is (up to its max), or EOF (0) if the
 * pipe is empty and no writer is left. */
static bool run_one_read(struct pipe *p)
{
	static uint8_t chunk[PIPE_IO_MAX];
	struct waiter *w = p->reads.head;
	unsigned n, first;

	if (!w || (p->len == 0 && p->writers > 0))
		return false;
	dequeue(&p->reads);
	n = w->len < p->len ? w->len : p->len;
	first = PIPE_BUF_SIZE - p->head < n ? PIPE_BUF_SIZE - p->head : n;
	memcpy(chunk, p->buf + p->head, first);
	memcpy(chunk + first, p->buf, n - first);
	if (answer(w->reply, PIPE_READ, n, chunk, n, NULL, 0) == 0) {
		p->head = (p->head + n) % PIPE_BUF_SIZE;
		p->len -= n;
	}
	waiter_free(w);
	return true;
}

/*
 * A FIFO's opens complete together once it has (or is about to have) a
 * reader and a writer: POSIX's open of a FIFO waits for the other side.
 */
static void run_opens(struct pipe *p)
{
	int want_r = p->readers, want_w = p->writers;
	struct waiter *w;

	for (w = p->opens.head; w; w = w->next) {
		want_r += w->flags == O_RDONLY;
		want_w += w->flags == O_WRONLY;
	}
	if (want_r == 0 || want_w == 0)
		return;
	while ((w = dequeue(&p->opens)) != NULL) {
		struct end *e = end_new(p, w->flags == O_WRONLY);

		if (!e)
			answer_result(w->reply, PIPE_OPEN, -ENFILE);
		else if (answer(w->reply, PIPE_OPEN, 0, NULL, 0, &e->port, 1) <
			 0)
			end_abandon(e); /* its client is gone */
		waiter_free(w);
	}
}

/*
 * Bring p up to date after anything happened to it: answer every request
 * that can be answered now, and free p once nothing refers to it. A FIFO
 * with no ends left loses its bytes (its pipe instance is torn down) but
 * keeps its name until unlinked.
 */
static void pipe_settle(struct pipe *p)
{
	while (run_one_write(p) || run_one_read(p))
		;
	if (p->fifo)
		run_opens(p);
	while (run_one_write(p) || run_one_read(p))
		;
	if (p->readers || p->writers || p->opens.head)
		return;
	p->head = p->len = 0;
	if (!p->fifo || !p->linked)
		p->used = false;
}

/* ---- requests ------------------------------------------------------------ */

/* Bytes of m's body (the kernel says how many; trust nothing else). */
static unsigned body_len(const struct msg *m)
{
	return msg_body_len(m);
}

/* READ or WRITE on end e. */
static void do_io(struct end *e, struct msg *m, port_t reply)
{
	struct pipe *p = e->pipe;
	struct waiter *w;
	uint32_t max;

	if ((m->h.id == PIPE_READ) == e->write) {
		answer_result(reply, m->h.id, -EBADF); /* the wrong end */
		return;
	}
	if (m->h.id == PIPE_READ && body_len(m) != sizeof max) {
		answer_result(reply, m->h.id, -EINVAL);
		return;
	}
	if (m->h.id == PIPE_READ)
		memcpy(&max, m->body, sizeof max);
	else
		max = body_len(m); /* <= MSG_BODY_MAX: the kernel's limit */
	if (max == 0) {
		answer_result(reply, m->h.id, 0);
		return;
	}
	if (!(w = waiter_new(reply))) {
		answer_result(reply, m->h.id, -EAGAIN); /* too many waiting */
		return;
	}
	w->end = e;
	if (m->h.id == PIPE_READ) {
		w->len = max < PIPE_IO_MAX ? max : PIPE_IO_MAX;
		enqueue(&p->reads, w);
	} else {
		w->len = max;
		memcpy(w->data, m->body, max);
		enqueue(&p->writes, w);
	}
	pipe_settle(p);
}

static void do_create(struct msg *m, port_t reply)
{
	struct pipe *p;
	struct end *r = NULL, *w = NULL;
	port_t rights[2];

	if (body_len(m) != 0) {
		answer_result(reply, PIPE_CREATE, -EINVAL);
		return;
	}
	p = pipe_new(false, "");
	if (p && (r = end_new(p, false)) != NULL)
		w = end_new(p, true);
	if (!w) {
		answer_result(reply, PIPE_CREATE, -ENFILE);
	} else {
		rights[0] = r->port;
		rights[1] = w->port;
		if (answer(reply, PIPE_CREATE, 0, NULL, 0, rights, 2) == 0)
			return;
	}
	/* Not made, or the client is gone: undo. */
	if (r)
		end_abandon(r);
	if (w)
		end_abandon(w);
	if (p)
		pipe_settle(p); /* frees p if it has no end at all */
}

/*
 * A struct pipe_name from m's body: 0, or -errno. The name must end
 * inside the body, fit PIPE_NAME_MAX with its NUL, and be printable.
 */
static int parse_name(const struct msg *m, struct pipe_name *pn)
{
	unsigned len = body_len(m), n;

	if (len < sizeof pn->arg + 1)
		return -EINVAL;
	memcpy(&pn->arg, m->body, sizeof pn->arg);
	len -= sizeof pn->arg;
	for (n = 0; n < len && m->body[sizeof pn->arg + n]; n++)
		if (n + 1 >= PIPE_NAME_MAX)
			return -ENAMETOOLONG;
	if (n == len)
		return -EINVAL; /* no NUL */
	if (n == 0)
		return -ENOENT; /* POSIX: the empty path names nothing */
	memcpy(pn->name, m->body + sizeof pn->arg, n + 1);
	for (unsigned i = 0; i < n; i++)
		if (pn->name[i] <= ' ' || pn->name[i] > '~')
			return -EINVAL;
	return 0;
}

static struct pipe *fifo_find(const char *name)
{
	for (int i = 0; i < PIPES_MAX; i++)
		if (pipes[i].used && pipes[i].linked &&
		    strcmp(pipes[i].name, name) == 0)
			return &pipes[i];
	return NULL;
}

static int32_t do_mkfifo(const struct pipe_name *pn)
{
	if (pn->arg & ~0777)
		return -EINVAL; /* a mode: permission bits only */
	if (fifo_find(pn->name))
		return -EEXIST;
	return pipe_new(true, pn->name) ? 0 : -ENOSPC;
}

/* OPEN keeps its reply until the other side comes (run_opens). */
static void do_open(const struct pipe_name *pn, port_t reply)
{
	struct pipe *p = fifo_find(pn->name);
	struct waiter *w;

	if (!p) {
		answer_result(reply, PIPE_OPEN, -ENOENT);
		return;
	}
	if (pn->arg != O_RDONLY && pn->arg != O_WRONLY) {
		answer_result(reply, PIPE_OPEN, -EINVAL); /* one way only */
		return;
	}
	if (!(w = waiter_new(reply))) {
		answer_result(reply, PIPE_OPEN, -EAGAIN);
		return;
	}
	w->flags = pn->arg;
	enqueue(&p->opens, w);
	pipe_settle(p);
}

/* The name goes; open ends keep working. Opens still waiting for the
 * other side can never get it now: they fail. */
static int32_t do_unlink(const struct pipe_name *pn)
{
	struct pipe *p = fifo_find(pn->name);
	struct waiter *w;

	if (!p)
		return -ENOENT;
	p->linked = false;
	while ((w = dequeue(&p->opens)) != NULL) {
		answer_result(w->reply, PIPE_OPEN, -ENOENT);
		waiter_free(w);
	}
	pipe_settle(p);
	return 0;
}

static void do_stat(port_t reply)
{
	struct pipe_stat st;
	struct waiter *w;

	memset(&st, 0, sizeof st);
	for (int i = 0; i < PIPES_MAX; i++) {
		struct pipe *p = &pipes[i];

		st.pipes += p->used && (!p->fifo || p->readers || p->writers ||
					p->opens.head);
		st.fifos += p->used && p->linked;
		st.buffered += p->used ? p->len : 0;
	}
	for (int i = 0; i < ENDS_MAX; i++)
		st.ends += ends[i].port != PORT_NULL;
	st.waiting = WAITERS_MAX;
	for (w = free_waiters; w; w = w->next)
		st.waiting--;
	answer(reply, PIPE_STAT, 0, &st.pipes, sizeof st - sizeof st.result,
	       NULL, 0);
}

/* A request on the service port (or PORT_SELF). */
static void do_service(struct msg *m, port_t reply)
{
	struct pipe_name pn;
	int id = m->h.id, err;

	switch (id) {
	case PIPE_CREATE:
		do_create(m, reply);
		return;
	case PIPE_STAT:
		do_stat(reply);
		return;
	case PIPE_MKFIFO:
	case PIPE_OPEN:
	case PIPE_UNLINK:
		break;
	default:
		answer_result(reply, id, -ENOSYS);
		return;
	}
	if ((err = parse_name(m, &pn)) < 0)
		answer_result(reply, id, err);
	else if (id == PIPE_OPEN)
		do_open(&pn, reply);
	else
		answer_result(reply, id,
			      id == PIPE_MKFIFO ? do_mkfifo(&pn)
						: do_unlink(&pn));
}

static void do_notification(struct msg *m)
{
	struct end *e;

	if (m->h.id != NOTIFY_NO_SENDERS)
		return;
	e = end_of(msg_notify_name(m));
	if (e) {
		struct pipe *p = e->pipe;

		end_close(e);
		pipe_settle(p);
	}
}

static void serve(struct msg *m)
{
	port_t reply = m->h.reply;
	struct end *e;

	if (m->h.dest == PORT_NOTIFY && m->h.sender == 0) {
		do_notification(m);
		return;
	}
	drop_carried(m);
	if (reply == PORT_NULL)
		return; /* nobody to answer */
	if (m->h.reply_disposition != MSG_MOVE_SEND_ONCE) {
		/* Requests are rpcs. Say so once (unless the "reply" is one
		 * of our own ports), then drop the right. */
		if (!(port_type(reply) & RIGHT_RECEIVE))
			send_answer(reply, m->h.id, -EINVAL, NULL, 0, NULL, 0);
		drop_right(reply, m->h.reply_disposition);
		return;
	}
	if (m->h.dest == service || m->h.dest == PORT_SELF)
		do_service(m, reply);
	else if ((e = end_of(m->h.dest)) != NULL &&
		 (m->h.id == PIPE_READ || m->h.id == PIPE_WRITE))
		do_io(e, m, reply);
	else
		answer_result(reply, m->h.id, e ? -ENOSYS : -EBADF);
}

/* ---- start-up ------------------------------------------------------------- */

/*
 * Grow our name space to NAMES_MAX names now (the kernel's table doubles
 * when full and never shrinks), and touch the stack we will use: later
 * pipes then cost the kernel and the frame allocator nothing new.
 */
static void preallocate(void)
{
	static port_t made[NAMES_MAX];
	volatile char stack[8192];
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof stack; i += 1024)
		stack[i] = 0;
	while (n < NAMES_MAX && (made[n] = port_allocate()) > 0 &&
	       made[n] < NAMES_MAX - 1)
		n++;
	if (n < NAMES_MAX && made[n] > 0)
		n++;
	while (n > 0)
		port_deallocate(made[--n]);
	for (int i = 0; i < WAITERS_MAX; i++)
		waiter_free(&waiters[i]);
}

static int setup(bool private)
{
	preallocate();
	service = port_allocate();
	port_set = port_set_allocate();
	/* Notify first: a port set hands out its first member's messages
	 * first, so an end's closing is seen before any later request. */
	if (service < 0 || port_set < 0 ||
	    port_set_add(port_set, PORT_NOTIFY) < 0 ||
	    port_set_add(port_set, service) < 0 ||
	    port_set_add(port_set, PORT_SELF) < 0 ||
	    port_set_qlimit(service, PORT_QLIMIT_MAX) < 0)
		return -1;
	if (!private && ns_register(PIPE_SERVICE, service) < 0) {
		printf("pipeserv: cannot register \"%s\" (error %d)\n",
		       PIPE_SERVICE, errno);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool private = argc > 1 && strcmp(argv[1], "-p") == 0;

	if (setup(private) < 0)
		return 1;
	for (;;) {
		if (msg_receive(port_set, &in, sizeof in, 0, 0) < 0) {
			if (errno == EDEADNAME)
				return 1; /* our set is gone: cannot happen */
			continue;
		}
		serve(&in);
	}
}
