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
#include "file.h"
#include "ipc/msg_check.h"
#include "pid.h"
#include "sched.h"
#include "task.h"
#include "time.h"
#include "trace.h"
#include "uaccess.h"
#include "panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mmap.h"
#include "mm/vm.h"
#include "x86/io.h"
#include <mica/errno.h>

struct kmsg *kmsg_alloc(uint32_t body_len)
{
	struct kmsg *m = kmalloc(sizeof *m + body_len);

	if (m) {
		memset(m, 0, sizeof *m); /* the body is written over anyway */
		INIT_LIST_HEAD(&m->link);
		m->body_len = body_len;
		m->size = MSG_SIZE_MIN + body_len;
		m->sent_tick = jiffies;
		ipc_nr_messages++;
	}
	return m;
}

_Static_assert(MSG_USER_TOP == USER_TOP, "msg_check.h's idea of user space");

/* Out-of-line bytes m carries (counted against its sender's cap). */
static uint32_t ool_bytes(const struct kmsg *m)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nool; i++)
		n += m->ool[i].size;
	return n;
}

static void uncharge(struct kmsg *m)
{
	if (m->charged) {
		m->charged->queued_bytes -= m->size;
		m->charged->queued_ool -= ool_bytes(m);
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

/* Give back the frame references of the regions not yet delivered. */
static void ool_release(struct kmsg *m)
{
	for (uint32_t i = 0; i < m->nool; i++) {
		struct kmsg_ool *o = &m->ool[i];

		if (o->pages)
			frame_free_many(o->pages, o->npages);
		kfree(o->pages);
		o->pages = NULL;
	}
}

void kmsg_free(struct kmsg *m)
{
	uncharge(m); /* first: it counts the regions */
	ool_release(m);
	drop_carried(&m->reply, m->reply_bits);
	for (uint32_t i = 0; i < m->nrights; i++)
		drop_carried(&m->rights[i], m->right_bits[i]);
	if (m->notify)
		port_unref(m->notify);
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

	if ((options & MSG_TO_PID) && (options & MSG_TO_FD))
		return -EINVAL; /* one way of naming the destination */
	if (options & MSG_TO_FD) {
		/* h.dest is a descriptor; its file holds the send right on
		 * the task's behalf (a pipe end): -EBADF, or -EINVAL for a
		 * descriptor no port serves. */
		long err = file_port(s->h.dest, &s->dest);

		if (err)
			return err;
		s->once = false;
		return s->dest->dead ? -EDEADNAME : 0;
	}
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
	if (n <= 1)
		return 0; /* one take: check_right or resolve_dest saw it */
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

/*
 * The header from the sender: its fixed part, then the rights and regions
 * only if it has any (most messages have none: less to copy). Checked
 * before anything in it is believed.
 */
static long header_in(struct msg_header *h, const struct msg *umsg)
{
	if (copy_from_user(h, umsg, MSG_HEADER_FIXED) < 0)
		return -EFAULT;
	if (h->nrights > MSG_RIGHTS_MAX || h->nool > MSG_OOL_MAX)
		return -EINVAL;
	if ((h->nrights || h->nool) &&
	    copy_from_user((uint8_t *)h + MSG_HEADER_FIXED,
			   (const uint8_t *)umsg + MSG_HEADER_FIXED,
			   sizeof *h - MSG_HEADER_FIXED) < 0)
		return -EFAULT;
	return msg_header_check(h);
}

/*
 * Take the out-of-line regions from the sender's address space into m:
 * all of them, or (an error) none, so everything that can fail comes
 * first. A moved region must be memory the sender got from mmap or a
 * message; it leaves the sender's map.
 */
static long take_ool(struct send *s, struct kmsg *m)
{
	uint32_t total = 0;
	long copies = 0, ncopies[MSG_OOL_MAX];

	for (uint32_t i = 0; i < s->h.nool; i++) {
		const struct msg_ool *o = &s->h.ool[i];
		struct kmsg_ool *k = &m->ool[i];
		long n;

		if ((o->flags & MSG_OOL_MOVE) &&
		    (o->addr < USER_MMAP_BASE ||
		     o->addr + o->size > USER_MMAP_TOP))
			return -EINVAL;
		total += o->size;
		k->size = o->size;
		k->npages = 0;	 /* no references in pages[] yet */
		m->nool = i + 1; /* kmsg_free frees the arrays on failure */
		k->pages = kmalloc(o->size / PAGE_SIZE * sizeof *k->pages);
		if (!k->pages)
			return -ENOMEM;
		n = mm_ool_check(current->mm, o->addr, o->size / PAGE_SIZE);
		if (n < 0)
			return n;
		ncopies[i] = n;
		copies += n;
	}
	if (current->ipc->queued_ool + total > IPC_TASK_OOL_MAX &&
	    !s->dest->kernel)
		return -ENOBUFS;
	if (copies + MM_RESERVE_FRAMES > (long)frame_free_count())
		return -ENOMEM;
	/* Moved memory leaves in whole regions: cut them now, while failing
	 * changes nothing the task can see (a cut that stays when a later
	 * one fails is the same memory with the same rights). */
	for (uint32_t i = 0; i < s->h.nool; i++) {
		const struct msg_ool *o = &s->h.ool[i];
		long err =
		    o->flags & MSG_OOL_MOVE
			? mm_carve(current->mm, o->addr, o->addr + o->size)
			: 0;

		if (err)
			return err;
	}
	for (uint32_t i = 0; i < s->h.nool; i++) {
		const struct msg_ool *o = &s->h.ool[i];

		m->ool[i].npages = o->size / PAGE_SIZE;
		mm_ool_take(current->mm, o->addr, m->ool[i].npages,
			    o->flags & MSG_OOL_MOVE, ncopies[i] != 0,
			    m->ool[i].pages);
		if ((o->flags & MSG_OOL_MOVE) &&
		    mm_munmap(current->mm, o->addr, o->size) < 0)
			panic("take_ool: munmap of a carved range failed");
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
	long err;

	if (!(current->ipc->table[PORT_NOTIFY].bits & RIGHT_RECEIVE))
		return -EINVAL;
	list_for_each_entry (c, &s->dest->cached, link)
		if (c->notify == notify)
			return -EBUSY; /* one cached message per sender */
	if (s->h.nool && (err = take_ool(s, m)) != 0)
		return err;
	commit_rights(s, m);
	m->notify = notify;
	port_ref(notify);
	m->notify_name = s->h.dest;
	list_add_tail(&m->link, &s->dest->cached);
	return MSG_WILL_NOTIFY;
}

/* The bytes of a received header worth writing: ool[] only if used. */
static uint32_t header_out_len(const struct msg_header *h)
{
	return h->nool ? sizeof *h : offsetof(struct msg_header, ool);
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
 * queue is empty (so FIFO order holds), its buffer is big enough, the
 * body is small (IPC_FAST_BODY), the message carries no out-of-line
 * memory, and the receiver's MSG_FROM_PID filter (if any) accepts us.
 * Then the message needs no kernel message and no queue: it goes
 * straight into the receiver's staging area (struct ipc_rcv).
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
	    s->h.size > MSG_SIZE_MIN + IPC_FAST_BODY ||
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
 * Deliver to receiver r: the body is copied from the sender's memory
 * (the address space loaded now, so a direct copy) into r's staging
 * area, the header is built there, and the rights move from one name
 * space to the other; r copies both out to its buffer when it runs
 * (receive_loop), in its own address space. Returns 0 (r is then
 * unlinked from its wait queue, WAITING, with its result set) or -errno.
 */
static long fast_deliver(struct send *s, const struct msg *umsg,
			 struct task_struct *r)
{
	struct ipc_rcv *rcv = &r->ipc->rcv;
	struct msg_header *h = &rcv->hdr;

	if (copy_from_user(rcv->body, USER_FIELD(umsg, struct msg, body),
			   s->h.size - MSG_SIZE_MIN) < 0)
		return -EFAULT;
	memset(h, 0, offsetof(struct msg_header, ool));
	h->size = s->h.size;
	h->dest = rcv->name;
	h->id = s->h.id;
	h->sender = current->pid;
	if (s->reply != PORT_NULL)
		h->reply = move_right(r->ipc, s->reply, s->reply_disp,
				      &h->reply_disposition);
	h->nrights = s->h.nrights;
	for (uint32_t i = 0; i < h->nrights; i++)
		h->rights[i].name = move_right(r->ipc, s->h.rights[i].name,
					       s->h.rights[i].disposition,
					       &h->rights[i].disposition);
	if (s->once)
		ipc_entry_drop(current->ipc, s->h.dest);
	rcv->result = h->size;
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
	if ((err = header_in(&s.h, umsg)) != 0)
		return err;
	s.reply = reply_override ? reply_override : s.h.reply;
	s.reply_disp =
	    reply_override ? MSG_MAKE_SEND_ONCE : s.h.reply_disposition;
	if ((err = resolve_dest(&s, options)) || (err = check_rights(&s)))
		return err;
	r = s.h.nool ? NULL : fast_receiver(&s);
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
	/* The last step that can fail: after it, the memory has moved. */
	if (s.h.nool && (err = take_ool(&s, m)) != 0)
		goto out;
	commit_rights(&s, m);
	if (s.dest->kernel) {
		err = kobject_handle(s.dest, m);
		m = NULL;
		goto out;
	}
	m->charged = current->ipc;
	current->ipc->refs++;
	current->ipc->queued_bytes += m->size;
	current->ipc->queued_ool += ool_bytes(m);
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

/*
 * Map m's out-of-line regions into the receiver and describe them in h:
 * all, or none (-ENOMEM, and m keeps its pages). Once mapped, the pages'
 * references belong to the receiver's page tables.
 */
static long map_ool(struct kmsg *m, struct msg_header *h)
{
	for (uint32_t i = 0; i < m->nool; i++) {
		struct kmsg_ool *k = &m->ool[i];
		long addr = mm_ool_map(current->mm, k->pages, k->npages);

		if (addr < 0) {
			while (i-- > 0) /* the arrays stay m's */
				mm_ool_unmap_undo(current->mm, h->ool[i].addr);
			return addr;
		}
		h->ool[i] = (struct msg_ool){(uint32_t)addr, k->size, 0};
	}
	for (uint32_t i = 0; i < m->nool; i++)
		m->ool[i].pages = NULL; /* the regions own them now */
	h->nool = m->nool;
	return 0;
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
	if (m->nool) {
		long err = map_ool(m, &h);

		if (err)
			return err; /* the message stays queued */
	}
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
	copy_to_user(ubuf, &h, header_out_len(&h)); /* writable: see above */
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

/*
 * Before blocking on port p: say what we wait for, so that a sender can
 * deliver to us directly. Only if the part of our buffer such a message
 * can fill is writable (probed here, where our memory is the one loaded):
 * a fast delivery must not be lost for a bad buffer.
 */
static void rcv_prepare(struct ipc_rcv *rcv, struct port *p, struct msg *ubuf,
			uint32_t size, port_t name, bool filter, int32_t pid)
{
	uint32_t window = size < MSG_SIZE_MIN + IPC_FAST_BODY
			      ? size
			      : MSG_SIZE_MIN + IPC_FAST_BODY;

	/* The window spans at most two pages: its ends are enough. */
	rcv->port = NULL;
	if (window < MSG_SIZE_MIN || probe_user_write(ubuf) < 0 ||
	    probe_user_write((uint8_t *)ubuf + window - 1) < 0)
		return; /* no fast path: the slow one reports the bad buffer */
	rcv->port = p;
	rcv->ubuf = ubuf;
	rcv->size = size;
	rcv->name = name;
	rcv->filter = filter;
	rcv->pid = pid;
	rcv->done = false;
}

/* After a fast delivery: the staged message into our buffer. */
static long rcv_copy_out(struct ipc_rcv *rcv, struct msg *ubuf)
{
	rcv->done = false;
	if (copy_to_user(USER_FIELD(ubuf, struct msg, body), rcv->body,
			 rcv->hdr.size - MSG_SIZE_MIN) < 0 ||
	    copy_to_user(ubuf, &rcv->hdr, header_out_len(&rcv->hdr)) < 0)
		return -EFAULT; /* cannot happen: rcv_prepare probed it */
	return rcv->result;
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
			 * straight to us (the fast path). */
			rcv_prepare(rcv, p, ubuf, size, name, filter, pid);
		}
		err = sleep_on_handoff(wq, deadline - jiffies, timed, *handoff);
		*handoff = NULL;
		if (p)
			p->nwaiting--;
		rcv->port = NULL;
		if (rcv->done) /* a sender already delivered it */
			return rcv_copy_out(rcv, ubuf);
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
 * Is the reply buffer writable? Probe its first byte: a request must not
 * be sent whose answer can only be lost. (The
 * rest is checked on delivery; a reply that still cannot be delivered is
 * dropped by the next call's drain.)
 */
static long reply_buffer_ok(struct msg *ubuf, uint32_t size)
{
	if (size < MSG_SIZE_MIN)
		return -EINVAL;
	if (!user_range_ok(ubuf, size) || probe_user_write(ubuf) < 0)
		return -EFAULT;
	return 0;
}

/*
 * Is the message just received into ubuf the kernel's send-once
 * notification (sender 0, NOTIFY_SEND_ONCE, body PORT_NULL)? Then the
 * server destroyed our reply right unused (it died, or dropped the
 * request): no answer will ever come.
 */
static bool no_answer_coming(const struct msg *ubuf)
{
	struct msg_header h;
	port_t name;

	if (copy_from_user(&h, ubuf, sizeof h) < 0 || h.sender != 0 ||
	    h.id != NOTIFY_SEND_ONCE || h.size != MSG_SIZE_MIN + sizeof name)
		return false;
	return copy_from_user(&name, USER_FIELD(ubuf, struct msg, body),
			      sizeof name) == 0 &&
	       name == PORT_NULL;
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
	if (err >= 0 && no_answer_coming(ubuf))
		err = -EDEADNAME;
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
