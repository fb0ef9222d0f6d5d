/*
 * msg.c - messages: copied in from the sender, queued on a port, copied
 * out to the receiver, with the rights they carry moved between name
 * spaces on the way.
 *
 * A send checks everything before it changes anything: a message that
 * cannot be sent (bad right, full queue and no waiting, dead port) leaves
 * the sender's rights exactly as they were.
 */
#include "ipc/ipc.h"
#include "pid.h"
#include "sched.h"
#include "task.h"
#include "time.h"
#include "trace.h"
#include "uaccess.h"
#include "panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "x86/io.h"
#include <mica/errno.h>

struct kmsg *kmsg_alloc(uint32_t body_len)
{
	struct kmsg *m = kzalloc(sizeof *m + body_len);

	if (m) {
		INIT_LIST_HEAD(&m->link);
		m->body_len = body_len;
		m->size = MSG_SIZE_MIN + body_len;
		m->sent_tick = jiffies;
		ipc_nr_messages++;
	}
	return m;
}

static void uncharge(struct kmsg *m)
{
	if (m->charged) {
		m->charged->queued_bytes -= m->size;
		ipc_space_put(m->charged);
		m->charged = NULL;
	}
}

static void drop_carried(struct port **p, uint16_t bits)
{
	if (*p) {
		port_release_right(*p, bits);
		port_unref(*p);
		*p = NULL;
	}
}

void kmsg_free(struct kmsg *m)
{
	drop_carried(&m->reply, m->reply_bits);
	for (uint32_t i = 0; i < m->nrights; i++)
		drop_carried(&m->rights[i], m->right_bits[i]);
	if (m->notify)
		port_unref(m->notify);
	uncharge(m);
	ipc_nr_messages--;
	kfree(m);
}

void port_enqueue(struct port *p, struct kmsg *m)
{
	list_add_tail(&m->link, &p->queue);
	p->qlen++;
	wake_up_one(&p->receivers, 0);
	if (p->set)
		wake_up_one(&p->set->receivers, 0);
}

/* ---- sending ------------------------------------------------------------ */

/* What the sender's right under `name` can do with `disp`; 0 or -errno. */
static long check_right(struct ipc_space *s, port_t name, uint32_t disp)
{
	struct ipc_entry *e = ipc_lookup(s, name);
	uint16_t need;

	if (!e)
		return -EINVAL;
	switch (disp) {
	case MSG_MOVE_RECEIVE:
	case MSG_MAKE_SEND:
	case MSG_MAKE_SEND_ONCE:
		need = RIGHT_RECEIVE;
		break;
	case MSG_MOVE_SEND:
	case MSG_COPY_SEND:
		need = RIGHT_SEND;
		break;
	case MSG_MOVE_SEND_ONCE:
		need = RIGHT_SEND_ONCE;
		break;
	default:
		return -EINVAL;
	}
	if (!(e->bits & need))
		return -EBADRIGHT;
	if (((struct port *)e->object)->dead)
		return -EDEADNAME;
	return 0;
}

/* Take the right out of (or make it from) the sender's name. */
static struct port *take_right(struct ipc_space *s, port_t name, uint32_t disp,
			       uint16_t *bits)
{
	struct ipc_entry *e = &s->table[name];
	struct port *p = e->object;

	port_ref(p); /* the message's reference */
	switch (disp) {
	case MSG_MAKE_SEND:
	case MSG_COPY_SEND:
		*bits = RIGHT_SEND;
		p->srights++;
		return p;
	case MSG_MAKE_SEND_ONCE:
		*bits = RIGHT_SEND_ONCE;
		p->srights++;
		return p;
	case MSG_MOVE_SEND:
		*bits = RIGHT_SEND;
		if (--e->urefs == 0)
			e->bits &= ~RIGHT_SEND;
		break;
	case MSG_MOVE_SEND_ONCE:
		*bits = RIGHT_SEND_ONCE;
		e->bits &= ~RIGHT_SEND_ONCE;
		break;
	default: /* MSG_MOVE_RECEIVE */
		*bits = RIGHT_RECEIVE;
		e->bits &= ~RIGHT_RECEIVE;
		if (p->set) {
			list_del_init(&p->set_link);
			p->set = NULL;
		}
		break;
	}
	if (!e->bits) { /* the name is empty now */
		e->object = NULL;
		port_unref(p);
	}
	return p;
}

struct send {
	struct msg_header h;
	struct port *dest;
	bool once;    /* dest is a send-once right: consumed, never blocks */
	port_t reply; /* the reply name to use */
	uint32_t reply_disp;
};

/* Find the destination port; 0 or -errno. */
static long resolve_dest(struct send *s, uint32_t options)
{
	struct ipc_entry *e;

	if (options & MSG_TO_PID) {
		struct task_struct *t = pid_lookup(s->h.dest);

		if (!t || !t->ipc)
			return -ESRCH;
		e = ipc_lookup(t->ipc, PORT_SELF);
		if (!e || !(e->bits & RIGHT_RECEIVE))
			return -EDEADNAME;
		s->dest = e->object;
		s->once = false;
		return 0;
	}
	e = ipc_lookup(current->ipc, s->h.dest);
	if (!e)
		return -EINVAL;
	if (e->bits & RIGHT_PORT_SET)
		return -EBADRIGHT;
	s->dest = e->object;
	if (s->dest->dead)
		return -EDEADNAME;
	if (e->bits & RIGHT_SEND)
		s->once = false;
	else if (e->bits & RIGHT_SEND_ONCE)
		s->once = true;
	else
		return -EBADRIGHT; /* a receive right alone cannot send */
	return 0;
}

/*
 * The rights one message takes, in the order commit_rights takes them
 * (the reply, each right, then a send-once destination, used up), played
 * on a copy of the names they come from: each must still be there when
 * its turn comes. Without this, a name moved out of and then used again
 * in the same message (the send-once destination moved as the reply, a
 * receive right moved and then made a send right from) was found empty
 * by the second take: a NULL port, a kernel panic (found by sysfuzz).
 */
static long check_takes(const struct send *s)
{
	struct {
		port_t name;
		uint16_t bits, urefs;
	} seen[MSG_RIGHTS_MAX + 2];
	port_t name[MSG_RIGHTS_MAX + 2];
	uint32_t disp[MSG_RIGHTS_MAX + 2];
	unsigned n = 0, nseen = 0;

	if (s->reply != PORT_NULL) {
		name[n] = s->reply;
		disp[n++] = s->reply_disp;
	}
	for (uint32_t i = 0; i < s->h.nrights; i++) {
		name[n] = s->h.rights[i].name;
		disp[n++] = s->h.rights[i].disposition;
	}
	if (s->once) {
		name[n] = s->h.dest;
		disp[n++] = MSG_MOVE_SEND_ONCE;
	}
	for (unsigned i = 0; i < n; i++) {
		struct ipc_entry *e = ipc_lookup(current->ipc, name[i]);
		unsigned k = 0;
		uint16_t need;

		while (k < nseen && seen[k].name != name[i])
			k++;
		if (k == nseen) {
			if (!e)
				return -EINVAL;
			seen[nseen].name = name[i];
			seen[nseen].bits = e->bits;
			seen[nseen++].urefs = e->urefs;
		}
		need = disp[i] == MSG_MOVE_SEND || disp[i] == MSG_COPY_SEND
			   ? RIGHT_SEND
		       : disp[i] == MSG_MOVE_SEND_ONCE ? RIGHT_SEND_ONCE
						       : RIGHT_RECEIVE;
		if (!(seen[k].bits & need))
			return -EINVAL; /* an earlier take emptied it */
		if (disp[i] == MSG_MOVE_SEND && --seen[k].urefs == 0)
			seen[k].bits &= ~RIGHT_SEND;
		else if (disp[i] == MSG_MOVE_SEND_ONCE)
			seen[k].bits &= ~RIGHT_SEND_ONCE;
		else if (disp[i] == MSG_MOVE_RECEIVE)
			seen[k].bits &= ~RIGHT_RECEIVE;
	}
	return 0;
}

static long check_rights(struct send *s)
{
	long err = 0;

	if (s->h.nrights > MSG_RIGHTS_MAX)
		return -EINVAL;
	if (s->reply != PORT_NULL)
		err = check_right(current->ipc, s->reply, s->reply_disp);
	for (uint32_t i = 0; i < s->h.nrights && !err; i++) {
		const struct msg_right *r = &s->h.rights[i];

		err = check_right(current->ipc, r->name, r->disposition);
		/* Sending a port's receive right to itself would make a cycle
		 * that nothing could ever receive. */
		if (!err && r->disposition == MSG_MOVE_RECEIVE &&
		    current->ipc->table[r->name].object == s->dest)
			err = -EINVAL;
		/* Two moves from one name would take a right twice. */
		for (uint32_t j = 0; j < i && !err; j++)
			if (s->h.rights[j].name == r->name &&
			    (r->disposition == MSG_MOVE_RECEIVE ||
			     r->disposition == MSG_MOVE_SEND_ONCE))
				err = -EINVAL;
	}
	return err ? err : check_takes(s);
}

static bool queue_full(const struct port *p)
{
	if (p->qlimit == 0)
		return p->qlen >= p->nwaiting; /* rendezvous: a receiver each */
	return p->qlen >= p->qlimit;
}

/* Wait for room in dest's queue; 0, or why not. */
static long wait_for_room(struct send *s, uint32_t options, uint32_t deadline,
			  bool timed)
{
	while (queue_full(s->dest) && !s->once) {
		long err;

		if (timed && (int32_t)(deadline - jiffies) <= 0)
			return -ETIMEDOUT;
		err = timed ? sleep_on_timeout(&s->dest->senders,
					       deadline - jiffies)
			    : sleep_on(&s->dest->senders);
		if (err == -EINTR || err == -EDEADNAME)
			return err;
		if (s->dest->dead)
			return -EDEADNAME;
		/* a wakeup (0) or our own timeout: look again */
		(void)options;
	}
	return 0;
}

/* Build the kernel message: body from the user, rights from the sender. */
static long build_kmsg(struct send *s, const struct msg *umsg,
		       struct kmsg **out)
{
	struct kmsg *m = kmsg_alloc(s->h.size - MSG_SIZE_MIN);

	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->body, USER_FIELD(umsg, struct msg, body),
			   m->body_len) < 0) {
		kmsg_free(m);
		return -EFAULT;
	}
	m->id = s->h.id;
	m->sender = current->pid;
	*out = m;
	return 0;
}

/* Move the rights into m; nothing can fail any more after this. */
static void commit_rights(struct send *s, struct kmsg *m)
{
	struct ipc_space *sp = current->ipc;

	if (s->reply != PORT_NULL)
		m->reply =
		    take_right(sp, s->reply, s->reply_disp, &m->reply_bits);
	m->nrights = s->h.nrights;
	for (uint32_t i = 0; i < m->nrights; i++)
		m->rights[i] =
		    take_right(sp, s->h.rights[i].name,
			       s->h.rights[i].disposition, &m->right_bits[i]);
	if (s->once) /* the send-once right is used up by this message */
		ipc_entry_drop(sp, s->h.dest);
}

static long cache_for_notify(struct send *s, struct kmsg *m)
{
	struct port *notify = current->ipc->table[PORT_NOTIFY].object;
	struct kmsg *c;

	if (!(current->ipc->table[PORT_NOTIFY].bits & RIGHT_RECEIVE))
		return -EINVAL;
	list_for_each_entry (c, &s->dest->cached, link)
		if (c->notify == notify)
			return -EBUSY; /* one cached message per sender */
	commit_rights(s, m);
	m->notify = notify;
	port_ref(notify);
	m->notify_name = s->h.dest;
	list_add_tail(&m->link, &s->dest->cached);
	return MSG_WILL_NOTIFY;
}

/* ---- the fast path ------------------------------------------------------ */

static uint32_t disposition_of(uint16_t bits)
{
	if (bits & RIGHT_RECEIVE)
		return MSG_MOVE_RECEIVE;
	return bits & RIGHT_SEND_ONCE ? MSG_MOVE_SEND_ONCE : MSG_MOVE_SEND;
}

/*
 * The fast path's conditions, all checked here: a receiver is already
 * blocked in msg_receive on this very port (not through a port set), the
 * queue is empty (so FIFO order holds), its buffer is big enough, and its
 * MSG_FROM_PID filter (if any) accepts us. Then the message needs no
 * kernel copy and no queue: it goes straight into the receiver's buffer.
 */
static struct task_struct *fast_receiver(const struct send *s)
{
	struct port *p = s->dest;
	struct task_struct *r;
	struct ipc_rcv *rcv;

	if (p->kernel || p->qlen || list_empty(&p->receivers.sleepers))
		return NULL;
	r = list_first_entry(&p->receivers.sleepers, struct task_struct,
			     wait_link);
	if (!r->ipc || !r->mm)
		return NULL;
	rcv = &r->ipc->rcv;
	if (rcv->port != p || s->h.size > rcv->size ||
	    (rcv->filter && rcv->pid != current->pid))
		return NULL;
	return r;
}

/* Move a right from the sender's space straight into the receiver's. */
static port_t move_right(struct ipc_space *to, port_t name, uint32_t disp,
			 uint32_t *got)
{
	uint16_t bits;
	struct port *p = take_right(current->ipc, name, disp, &bits);
	port_t n = ipc_insert(to, p, bits);

	if (n < 0) { /* no room for a name: the right is lost */
		port_release_right(p, bits);
		n = PORT_NULL;
	}
	port_unref(p);
	*got = disposition_of(bits);
	return n;
}

/*
 * Deliver straight into receiver r's buffer: the body is copied once,
 * from the sender's pages to the receiver's; the rights move from one
 * name space to the other. Returns 0 (r is then unlinked from its wait
 * queue, WAITING, with its result set), 1 if r's buffer turned out bad
 * (take the slow path), or -errno.
 */
static long fast_deliver(struct send *s, const struct msg *umsg,
			 struct task_struct *r)
{
	struct ipc_rcv *rcv = &r->ipc->rcv;
	struct msg_header h;
	long err = mm_copy_between(
	    r->mm, (uintptr_t)USER_FIELD(rcv->ubuf, struct msg, body),
	    current->mm, (uintptr_t)USER_FIELD(umsg, struct msg, body),
	    s->h.size - MSG_SIZE_MIN);

	if (err)
		return err == -EIO ? 1 : err;
	memset(&h, 0, sizeof h);
	h.size = s->h.size;
	h.dest = rcv->name;
	h.id = s->h.id;
	h.sender = current->pid;
	if (s->reply != PORT_NULL)
		h.reply = move_right(r->ipc, s->reply, s->reply_disp,
				     &h.reply_disposition);
	h.nrights = s->h.nrights;
	for (uint32_t i = 0; i < h.nrights; i++)
		h.rights[i].name = move_right(r->ipc, s->h.rights[i].name,
					      s->h.rights[i].disposition,
					      &h.rights[i].disposition);
	if (s->once)
		ipc_entry_drop(current->ipc, s->h.dest);
	rcv->result = mm_copy_out(r->mm, (uintptr_t)rcv->ubuf, &h, sizeof h)
			  ? -EFAULT
			  : (long)h.size;
	rcv->done = true;
	trace_record_msg(r->pid, current->pid, jiffies);
	unlink_sleeper(r, 0);
	return 0;
}

static long do_send(const struct msg *umsg, uint32_t options, uint32_t timeout,
		    port_t reply_override, struct task_struct **handoff)
{
	struct send s;
	struct kmsg *m = NULL;
	struct task_struct *r;
	bool timed = options & MSG_TIMEOUT;
	uint32_t deadline = timed ? jiffies + ms_to_ticks(timeout) : 0;
	long err;

	if (!current->ipc)
		return -EPERM;
	if (copy_from_user(&s.h, umsg, sizeof s.h) < 0)
		return -EFAULT;
	if (s.h.size < MSG_SIZE_MIN || s.h.size > MSG_SIZE_MAX)
		return -EINVAL;
	s.reply = reply_override ? reply_override : s.h.reply;
	s.reply_disp =
	    reply_override ? MSG_MAKE_SEND_ONCE : s.h.reply_disposition;
	if ((err = resolve_dest(&s, options)) || (err = check_rights(&s)))
		return err;
	r = fast_receiver(&s);
	if (r && (err = fast_deliver(&s, umsg, r)) <= 0) {
		if (err == 0 && handoff)
			*handoff = r; /* the caller switches to it directly */
		else if (err == 0)
			sched_make_ready(r, TR_WAKE);
		return err;
	}
	err = build_kmsg(&s, umsg, &m);
	if (err)
		return err;
	if (current->ipc->queued_bytes + m->size > IPC_TASK_QUEUED_MAX &&
	    !s.dest->kernel) {
		err = -ENOBUFS;
		goto out;
	}
	if (queue_full(s.dest) && !s.once && !s.dest->kernel) {
		if (options & MSG_NOTIFY) {
			err = cache_for_notify(&s, m);
			if (err == MSG_WILL_NOTIFY)
				m = NULL;
			goto out;
		}
		if (timed && timeout == 0) {
			err = -EWOULDBLOCK;
			goto out;
		}
		err = wait_for_room(&s, options, deadline, timed);
		/* We slept: our own rights may have changed (a port died). */
		if (!err && !(options & MSG_TO_PID) &&
		    (err = resolve_dest(&s, options)) == 0)
			err = check_rights(&s);
		if (err)
			goto out;
	}
	commit_rights(&s, m);
	if (s.dest->kernel) {
		err = kobject_handle(s.dest, m);
		m = NULL;
		goto out;
	}
	m->charged = current->ipc;
	current->ipc->refs++;
	current->ipc->queued_bytes += m->size;
	port_enqueue(s.dest, m);
	m = NULL;
out:
	if (m)
		kmsg_free(m);
	return err;
}

long ipc_msg_send(const struct msg *umsg, uint32_t options, uint32_t timeout)
{
	uint32_t flags = irq_save();
	long err = do_send(umsg, options, timeout, PORT_NULL, NULL);

	irq_restore(flags);
	return err;
}

/* ---- receiving ---------------------------------------------------------- */

static struct kmsg *first_from(struct port *p, bool filter, int32_t pid)
{
	struct kmsg *m;

	list_for_each_entry (m, &p->queue, link)
		if (!filter || m->sender == pid)
			return m;
	return NULL;
}

/* The next message for the receiver: from port p, or any member of set. */
static struct kmsg *find_msg(struct port *p, struct port_set *set, bool filter,
			     int32_t pid, struct port **from)
{
	struct port *q;
	struct kmsg *m;

	if (p) {
		*from = p;
		return first_from(p, filter, pid);
	}
	list_for_each_entry (q, &set->members, set_link) {
		m = first_from(q, filter, pid);
		if (m) {
			*from = q;
			return m;
		}
	}
	return NULL;
}

/* Put a carried right into the receiver's space; returns its name. */
static port_t give_right(struct port **p, uint16_t bits)
{
	port_t name;

	if (!*p)
		return PORT_NULL;
	name = ipc_insert(current->ipc, *p, bits);
	if (name < 0) { /* no room for another name: the right is lost */
		port_release_right(*p, bits);
		name = PORT_NULL;
	}
	port_unref(*p); /* the message's reference; the name has its own */
	*p = NULL;
	return name;
}

static port_t name_of(struct port *p)
{
	struct ipc_space *s = current->ipc;

	for (unsigned n = 1; n < s->size; n++)
		if (s->table[n].object == p &&
		    (s->table[n].bits & RIGHT_RECEIVE))
			return n;
	return PORT_NULL;
}

/* After a dequeue: let one blocked sender, or one cached message, in. */
static void make_room(struct port *p)
{
	wake_up_one(&p->senders, 0);
	if (!list_empty(&p->cached) && !queue_full(p)) {
		struct kmsg *m =
		    list_first_entry(&p->cached, struct kmsg, link);

		list_del(&m->link);
		ipc_notify(m->notify, NOTIFY_MSG_ACCEPTED, m->notify_name);
		port_unref(m->notify);
		m->notify = NULL;
		port_enqueue(p, m);
	}
}

/* Hand message m (queued on port from) to the receiver's buffer. */
static long deliver(struct port *from, struct kmsg *m, struct msg *ubuf,
		    port_t dest)
{
	struct msg_header h;
	long size = m->size;

	if (copy_to_user(USER_FIELD(ubuf, struct msg, body), m->body,
			 m->body_len) < 0)
		return -EFAULT; /* the message stays queued */
	memset(&h, 0, sizeof h);
	h.size = m->size;
	if (copy_to_user(ubuf, &h, sizeof h) < 0)
		return -EFAULT;
	list_del(&m->link);
	from->qlen--;
	uncharge(m);
	h.dest = dest ? dest : name_of(from); /* a set: find the member */
	h.id = m->id;
	h.sender = m->sender;
	trace_record_msg(current->pid, m->sender, m->sent_tick);
	h.reply_disposition = m->reply ? disposition_of(m->reply_bits) : 0;
	h.reply = give_right(&m->reply, m->reply_bits);
	h.nrights = m->nrights;
	for (uint32_t i = 0; i < m->nrights; i++) {
		h.rights[i].disposition = disposition_of(m->right_bits[i]);
		h.rights[i].name = give_right(&m->rights[i], m->right_bits[i]);
	}
	m->nrights = 0;
	kmsg_free(m);
	make_room(from);
	copy_to_user(ubuf, &h, sizeof h); /* checked writable above */
	return size;
}

static long receive_source(port_t name, struct port **p, struct port_set **set)
{
	struct ipc_entry *e = ipc_lookup(current->ipc, name);

	*p = NULL;
	*set = NULL;
	if (!e)
		return -EINVAL;
	if (e->bits & RIGHT_PORT_SET)
		*set = e->object;
	else if (e->bits & RIGHT_RECEIVE)
		*p = e->object;
	else
		return -EBADRIGHT;
	return 0;
}

static long receive_loop(port_t name, struct msg *ubuf, uint32_t size,
			 uint32_t options, uint32_t timeout,
			 struct task_struct **handoff)
{
	bool timed = options & MSG_TIMEOUT, filter = options & MSG_FROM_PID;
	uint32_t deadline = timed ? jiffies + ms_to_ticks(timeout) : 0;
	struct ipc_rcv *rcv = &current->ipc->rcv;
	struct port *p, *from;
	struct port_set *set;
	struct kmsg *m;
	int32_t pid = 0;
	long err;

	err = receive_source(name, &p, &set);
	if (err)
		return err;
	if (!user_range_ok(ubuf, size))
		return -EFAULT;
	if (filter &&
	    copy_from_user(&pid, USER_FIELD(ubuf, struct msg, h.sender),
			   sizeof pid) < 0)
		return -EFAULT;
	while (!(m = find_msg(p, set, filter, pid, &from))) {
		struct wait_queue *wq = p ? &p->receivers : &set->receivers;

		if (p && p->dead)
			return -EDEADNAME;
		if (timed && timeout == 0)
			return -EWOULDBLOCK;
		if (timed && (int32_t)(deadline - jiffies) <= 0)
			return -ETIMEDOUT;
		if (p) {
			p->nwaiting++; /* a rendezvous sender may come now */
			wake_up_one(&p->senders, 0);
			/* Say what we wait for, so a sender can deliver
			 * straight into our buffer (the fast path). */
			*rcv = (struct ipc_rcv){p,	ubuf, size,  name,
						filter, pid,  false, 0};
		}
		err = sleep_on_handoff(wq, deadline - jiffies, timed, *handoff);
		*handoff = NULL;
		if (p)
			p->nwaiting--;
		rcv->port = NULL;
		if (rcv->done) { /* a sender already delivered it */
			rcv->done = false;
			return rcv->result;
		}
		if (err == -EINTR)
			return err;
		/* Our set may be gone, or our right moved: look it up again. */
		if ((err = receive_source(name, &p, &set)) < 0)
			return err;
	}
	if (m->size > size) {
		if (size >= sizeof(uint32_t) &&
		    copy_to_user(USER_FIELD(ubuf, struct msg, h.size), &m->size,
				 sizeof m->size) < 0)
			return -EFAULT;
		return -EMSGSIZE; /* it stays queued for a bigger buffer */
	}
	return deliver(from, m, ubuf, p ? name : PORT_NULL);
}

/*
 * Receive; if handoff is a task the caller's send has just delivered to
 * (msg_rpc), the first sleep switches straight to it. If we do not sleep
 * at all, it is made ready the ordinary way.
 */
static long do_receive(port_t name, struct msg *ubuf, uint32_t size,
		       uint32_t options, uint32_t timeout,
		       struct task_struct *handoff)
{
	long err = current->ipc ? receive_loop(name, ubuf, size, options,
					       timeout, &handoff)
				: -EPERM;

	if (handoff)
		sched_make_ready(handoff, TR_WAKE);
	return err;
}

long ipc_msg_receive(port_t name, struct msg *ubuf, uint32_t size,
		     uint32_t options, uint32_t timeout)
{
	uint32_t flags = irq_save();
	long err = do_receive(name, ubuf, size, options, timeout, NULL);

	irq_restore(flags);
	return err;
}

/* The task's private reply port for msg_rpc, made on first use. */
static port_t reply_port(void)
{
	struct ipc_space *s = current->ipc;
	struct ipc_entry *e = ipc_lookup(s, s->reply_name);

	if (!e || !(e->bits & RIGHT_RECEIVE))
		s->reply_name = sys_port_allocate_k();
	return s->reply_name;
}

/* Throw away replies that came too late for an earlier msg_rpc. */
static void drain(port_t name)
{
	struct ipc_entry *e = ipc_lookup(current->ipc, name);
	struct port *p = e ? e->object : NULL;

	while (p && !list_empty(&p->queue)) {
		struct kmsg *m = list_first_entry(&p->queue, struct kmsg, link);

		list_del(&m->link);
		p->qlen--;
		kmsg_free(m);
	}
}

/*
 * Is the reply buffer writable? Probe its first word (read it, write it
 * back): a request must not be sent whose answer can only be lost. (The
 * rest is checked on delivery; a reply that still cannot be delivered is
 * dropped by the next call's drain.)
 */
static long reply_buffer_ok(struct msg *ubuf, uint32_t size)
{
	uint32_t word;

	if (size < MSG_SIZE_MIN)
		return -EINVAL;
	if (!user_range_ok(ubuf, size) ||
	    copy_from_user(&word, ubuf, sizeof word) < 0 ||
	    copy_to_user(ubuf, &word, sizeof word) < 0)
		return -EFAULT;
	return 0;
}

/* Send a request with a send-once right for the answer, and wait for it. */
long ipc_msg_rpc(struct msg *umsg, struct msg *ubuf, uint32_t size,
		 uint32_t options, uint32_t timeout)
{
	uint32_t flags = irq_save();
	struct task_struct *server = NULL;
	port_t reply = PORT_NULL;
	long err = current->ipc ? 0 : -EPERM;

	if (!err &&
	    copy_from_user(&reply, USER_FIELD(umsg, struct msg, h.reply),
			   sizeof reply) < 0)
		err = -EFAULT;
	/* Check the reply buffer first: a reply we could not deliver would
	 * otherwise answer the next call. */
	if (!err)
		err = reply_buffer_ok(ubuf, size);
	if (!err && reply == PORT_NULL) {
		reply = reply_port();
		if (reply > 0)
			drain(reply);
	}
	if (!err && reply < 0)
		err = reply;
	if (!err)
		err = do_send(umsg, options & ~MSG_NOTIFY, timeout, reply,
			      &server);
	/* If the send went straight to a waiting server, switch to it
	 * directly while we wait for the answer: no ready queue between. */
	if (err >= 0)
		err = do_receive(reply, ubuf, size, options & ~MSG_FROM_PID,
				 timeout, server);
	irq_restore(flags);
	return err;
}

/*
 * A server's loop in one call: answer the last request (reply may be
 * NULL) and wait for the next one on `name`. When the answer goes
 * straight to a client waiting for it, the CPU goes straight to that
 * client too, and the server's wait costs no trip through the scheduler.
 */
long ipc_msg_reply_receive(const struct msg *reply, port_t name,
			   struct msg *ubuf, uint32_t size, uint32_t options)
{
	uint32_t flags = irq_save();
	struct task_struct *client = NULL;
	long err = current->ipc ? 0 : -EPERM;

	if (!err && reply)
		err = do_send(reply, options & MSG_TIMEOUT, 0, PORT_NULL,
			      &client);
	if (err >= 0)
		err = do_receive(name, ubuf, size, options & ~MSG_TO_PID, 0,
				 client);
	else if (client)
		sched_make_ready(client, TR_WAKE);
	irq_restore(flags);
	return err;
}
