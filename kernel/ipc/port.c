/*
 * port.c - ports, port sets, and each task's name space of rights.
 *
 * Reference counting: a port stays in memory while anything points at it
 * (refs): each name that holds a right to it, each message that carries
 * one, each task whose Kernel port it is. Rights are counted separately:
 * srights is how many send and send-once rights exist, in names and in
 * messages, for the no-senders notification. A port is *dead* once its
 * receive right is gone: it then holds no messages, and the send rights
 * that still name it are dead names.
 */
#include "ipc/ipc.h"
#include "pid.h"
#include "sched.h"
#include "task.h"
#include "panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "x86/io.h"
#include <mica/errno.h>

unsigned ipc_nr_ports, ipc_nr_messages;
static unsigned next_port_id;

#define SPACE_INITIAL 16
#define SPACE_MAX     4096 /* names per task: a port hog stops here */

struct port *port_create(void)
{
	struct port *p = kzalloc(sizeof *p);

	if (!p)
		return NULL;
	INIT_LIST_HEAD(&p->queue);
	INIT_LIST_HEAD(&p->cached);
	INIT_LIST_HEAD(&p->set_link);
	INIT_LIST_HEAD(&p->requests);
	wait_queue_init(&p->receivers, "msg_receive");
	wait_queue_init(&p->senders, "msg_send");
	p->qlimit = PORT_QLIMIT_DEFAULT;
	p->id = ++next_port_id;
	ipc_nr_ports++;
	return p;
}

void port_ref(struct port *p)
{
	p->refs++;
}

void port_unref(struct port *p)
{
	assert(p->refs > 0);
	if (--p->refs > 0)
		return;
	if (!p->dead) {
		/* The last reference was a receive right in a message that
		 * was thrown away: the port dies first, then goes. */
		p->refs = 1;
		port_destroy(p);
		port_unref(p);
		return;
	}
	kfree(p);
}

static void set_remove(struct port *p)
{
	if (p->set) {
		list_del_init(&p->set_link);
		p->set = NULL;
	}
}

/* Send each dead-name request its notification, and forget them. */
static void port_fire_requests(struct port *p, int id)
{
	while (!list_empty(&p->requests)) {
		struct ipc_request *r =
		    list_first_entry(&p->requests, struct ipc_request, link);

		list_del(&r->link);
		ipc_notify(r->notify, id, r->name);
		port_unref(r->notify);
		kfree(r);
	}
}

/*
 * The receive right is gone: the port dies. Queued messages are thrown
 * away (with the rights they carry), everybody blocked on it wakes with
 * -EDEADNAME, and who asked is told.
 */
void port_destroy(struct port *p)
{
	if (p->dead)
		return;
	p->dead = true;
	ipc_nr_ports--;
	port_ref(p); /* keep it alive while we empty it */
	while (!list_empty(&p->queue)) {
		struct kmsg *m = list_first_entry(&p->queue, struct kmsg, link);

		list_del(&m->link);
		p->qlen--;
		kmsg_free(m);
	}
	while (!list_empty(&p->cached)) {
		struct kmsg *m =
		    list_first_entry(&p->cached, struct kmsg, link);

		list_del(&m->link);
		kmsg_free(m);
	}
	set_remove(p);
	wake_up_all(&p->receivers, -EDEADNAME);
	wake_up_all(&p->senders, -EDEADNAME);
	port_fire_requests(p, NOTIFY_DEAD_NAME);
	if (p->no_senders) {
		port_unref(p->no_senders);
		p->no_senders = NULL;
	}
	p->kobject = NULL;
	port_unref(p);
}

/* One send or send-once right to p has gone. */
static void port_lose_sender(struct port *p)
{
	assert(p->srights > 0);
	if (--p->srights == 0 && p->no_senders && !p->dead) {
		ipc_notify(p->no_senders, NOTIFY_NO_SENDERS,
			   p->no_senders_name);
		port_unref(p->no_senders);
		p->no_senders = NULL;
	}
}

/*
 * A send-once right was destroyed without being used: tell its port, so
 * that whoever waits there for the answer (a client in msg_rpc) learns
 * that none will come, instead of waiting forever. This is Mach's
 * send-once notification; it goes to the right's own port, not to a
 * Notify port, because that is where the waiting client listens.
 */
static void send_once_lost(struct port *p)
{
	if (!p->dead && !p->kernel)
		ipc_notify(p, NOTIFY_SEND_ONCE, PORT_NULL);
}

/* A right held in a message is used up by the message sent on it. */
void port_use_right(struct port *p, uint16_t bits)
{
	if (bits & (RIGHT_SEND | RIGHT_SEND_ONCE))
		port_lose_sender(p);
	if (bits & RIGHT_RECEIVE)
		port_destroy(p);
}

/* A right held in a message is dropped unused (not moved, not sent on). */
void port_release_right(struct port *p, uint16_t bits)
{
	if (bits & RIGHT_SEND_ONCE)
		send_once_lost(p);
	port_use_right(p, bits);
}

/* ---- name spaces ------------------------------------------------------- */

struct ipc_entry *ipc_lookup(struct ipc_space *s, port_t name)
{
	if (!s || name <= 0 || (unsigned)name >= s->size ||
	    !s->table[name].bits)
		return NULL;
	return &s->table[name];
}

static int space_grow(struct ipc_space *s)
{
	unsigned size = s->size ? s->size * 2 : SPACE_INITIAL;
	struct ipc_entry *t;

	if (size > SPACE_MAX)
		return -ENOSPC;
	t = kzalloc(size * sizeof *t);
	if (!t)
		return -ENOMEM;
	if (s->table)
		memcpy(t, s->table, s->size * sizeof *t);
	kfree(s->table);
	s->table = t;
	s->size = size;
	return 0;
}

static port_t space_free_name(struct ipc_space *s)
{
	for (;;) {
		for (unsigned n = PORT_FIRST_FREE; n < s->size; n++)
			if (!s->table[n].bits)
				return n;
		if (space_grow(s) < 0)
			return -ENOSPC;
	}
}

/*
 * Give space s a right to p; returns its name, or -errno. Send rights to
 * one port coalesce under one name (with the receive right, if s holds
 * it), as in Mach, so a task can compare names to compare ports. The
 * caller's reference on p for this right is taken here.
 */
port_t ipc_insert(struct ipc_space *s, struct port *p, uint16_t bits)
{
	port_t name;

	if (bits & (RIGHT_SEND | RIGHT_RECEIVE)) {
		for (unsigned n = 1; n < s->size; n++) {
			struct ipc_entry *e = &s->table[n];

			if (e->object != p ||
			    !(e->bits & (RIGHT_SEND | RIGHT_RECEIVE)))
				continue;
			/* PORT_BOOTSTRAP holds only send rights, so that
			 * task_set_bootstrap can always replace it. */
			if (n == PORT_BOOTSTRAP && (bits & RIGHT_RECEIVE))
				continue;
			e->bits |= bits;
			if (bits & RIGHT_SEND)
				e->urefs++;
			return n;
		}
	}
	name = space_free_name(s);
	if (name < 0)
		return name;
	s->table[name].object = p;
	s->table[name].bits = bits;
	s->table[name].urefs = bits & RIGHT_SEND ? 1 : 0;
	port_ref(p);
	return name;
}

static void set_destroy(struct port_set *set)
{
	while (!list_empty(&set->members))
		set_remove(
		    list_first_entry(&set->members, struct port, set_link));
	wake_up_all(&set->receivers, -EDEADNAME);
	kfree(set);
}

/* This space's dead-name request for name, if any, becomes PORT_DELETED. */
static void drop_request(struct ipc_space *s, struct port *p, port_t name)
{
	struct ipc_request *r, *tmp;

	list_for_each_entry_safe (r, tmp, &p->requests, link) {
		if (r->space != s || r->name != name)
			continue;
		list_del(&r->link);
		ipc_notify(r->notify, NOTIFY_PORT_DELETED, name);
		port_unref(r->notify);
		kfree(r);
	}
}

/* Remove a name and every right it holds (a send-once right it holds is
 * taken as used: see entry_destroy for one thrown away). */
void ipc_entry_drop(struct ipc_space *s, port_t name)
{
	struct ipc_entry *e = &s->table[name];
	uint16_t bits = e->bits;

	e->bits = 0;
	if (bits & RIGHT_PORT_SET) {
		set_destroy(e->object);
		e->object = NULL;
		return;
	}
	struct port *p = e->object;

	e->object = NULL;
	for (; e->urefs > 0; e->urefs--)
		port_lose_sender(p);
	if (bits & RIGHT_SEND_ONCE)
		port_lose_sender(p);
	if (bits & RIGHT_RECEIVE)
		port_destroy(p);
	drop_request(s, p, name);
	port_unref(p);
}

/* The task gives the name up, or dies: a send-once right under it is
 * destroyed unused, and its port hears so. */
static void entry_destroy(struct ipc_space *s, port_t name)
{
	if (s->table[name].bits & RIGHT_SEND_ONCE)
		send_once_lost(s->table[name].object);
	ipc_entry_drop(s, name);
}

/* ---- tasks ------------------------------------------------------------- */

static int put_at(struct ipc_space *s, port_t name, struct port *p,
		  uint16_t bits)
{
	while ((unsigned)name >= s->size)
		if (space_grow(s) < 0)
			return -ENOMEM;
	s->table[name].object = p;
	s->table[name].bits = bits;
	s->table[name].urefs = bits & RIGHT_SEND ? 1 : 0;
	port_ref(p);
	if (bits & RIGHT_SEND)
		p->srights++;
	return 0;
}

/* A port that never got a name (a failed set-up) is freed at once. */
static void free_unnamed(struct port *p)
{
	if (p && p->refs == 0) {
		port_ref(p);
		port_unref(p); /* destroys and frees it */
	}
}

/* ---- the bootstrap port ------------------------------------------------ */

/*
 * Each task has a bootstrap port, as Mach tasks have special ports: a
 * send right the kernel keeps for it (t->bootstrap, counted in the port's
 * refs and srights like any send right), inherited by every task it
 * creates, plus a send right in its name space under PORT_BOOTSTRAP.
 * Name 4 is never handed out for anything else (space_free_name starts
 * at 5, and ipc_insert never puts a receive right there), so it is
 * either empty or a send right to t->bootstrap (check.c checks this).
 */

/* Give s a send right to p under PORT_BOOTSTRAP, unless it has one. */
static long bootstrap_name(struct ipc_space *s, struct port *p)
{
	if ((unsigned)PORT_BOOTSTRAP < s->size && s->table[PORT_BOOTSTRAP].bits)
		return PORT_BOOTSTRAP; /* a send right to p already */
	return put_at(s, PORT_BOOTSTRAP, p, RIGHT_SEND) < 0 ? -ENOMEM
							    : PORT_BOOTSTRAP;
}

/* Drop the kernel's send right in t->bootstrap. */
static void bootstrap_release(struct task_struct *t)
{
	struct port *p = t->bootstrap;

	if (p) {
		t->bootstrap = NULL;
		port_lose_sender(p);
		port_unref(p);
	}
}

/* Make p (or NULL: none) t's bootstrap port, and its PORT_BOOTSTRAP. */
static long bootstrap_set(struct task_struct *t, struct port *p)
{
	struct ipc_space *s = t->ipc;

	if (p != t->bootstrap) {
		if (p) {
			port_ref(p);
			p->srights++;
		}
		if ((unsigned)PORT_BOOTSTRAP < s->size &&
		    s->table[PORT_BOOTSTRAP].bits)
			ipc_entry_drop(s, PORT_BOOTSTRAP); /* the old one */
		bootstrap_release(t);
		t->bootstrap = p;
	}
	return p ? bootstrap_name(s, p) : 0;
}

/* The send right under name, or an error; a dead one is refused. */
static long send_right(port_t name, struct port **out)
{
	struct ipc_entry *e = ipc_lookup(current->ipc, name);

	if (!e)
		return -EINVAL;
	if (!(e->bits & RIGHT_SEND) || (e->bits & RIGHT_PORT_SET))
		return -EBADRIGHT;
	*out = e->object;
	return (*out)->dead ? -EDEADNAME : 0;
}

/* task_set_bootstrap(name): name holds a send right; PORT_NULL: none. */
long sys_task_set_bootstrap_k(port_t name)
{
	uint32_t flags = irq_save();
	struct port *p = NULL;
	long err = current->ipc ? 0 : -EPERM;

	if (!err && name != PORT_NULL)
		err = send_right(name, &p);
	if (!err)
		err = bootstrap_set(current, p);
	irq_restore(flags);
	return err < 0 ? err : 0;
}

/* task_get_bootstrap(): PORT_BOOTSTRAP, made again if it was given up. */
long sys_task_get_bootstrap_k(void)
{
	uint32_t flags = irq_save();
	struct port *p = current->bootstrap;
	long name;

	if (!current->ipc)
		name = -EPERM;
	else if (!p)
		name = -ENOENT; /* never set: no name server */
	else if (p->dead)
		name = -EDEADNAME; /* the name server is gone */
	else
		name = bootstrap_name(current->ipc, p);
	irq_restore(flags);
	return name;
}

/*
 * A new task's name space: its own Kernel, Notify and self ports, its
 * parent's bootstrap port (under PORT_BOOTSTRAP; a dead one stays a dead
 * name), and a copy of each other send right the parent holds, under the
 * same names. Receive rights are never inherited: a port has one
 * receiver.
 */
int ipc_task_init(struct task_struct *t, struct task_struct *parent)
{
	struct ipc_space *s = kzalloc(sizeof *s);
	struct ipc_space *ps = parent ? parent->ipc : NULL;
	struct port *kport, *notify, *self;

	if (!s)
		return -ENOMEM;
	s->refs = 1;
	t->ipc = s;
	kport = port_create();
	notify = port_create();
	self = port_create();
	if (kport) {
		kport->kernel = true;
		kport->kobject = t;
		port_ref(kport); /* the task's own reference (kobj.c) */
		t->kport = kport;
	}
	if (!kport || !notify || !self ||
	    put_at(s, PORT_KERNEL, kport, RIGHT_SEND) ||
	    put_at(s, PORT_NOTIFY, notify, RIGHT_RECEIVE) ||
	    put_at(s, PORT_SELF, self, RIGHT_RECEIVE))
		goto fail;
	if (parent && parent->bootstrap) {
		t->bootstrap = parent->bootstrap;
		port_ref(t->bootstrap);
		t->bootstrap->srights++;
		if (bootstrap_name(s, t->bootstrap) < 0)
			goto fail;
	}
	for (unsigned n = PORT_FIRST_FREE; ps && n < ps->size; n++) {
		struct ipc_entry *e = &ps->table[n];
		struct port *p = e->object;

		if ((e->bits & RIGHT_SEND) && !p->dead &&
		    put_at(s, n, p, RIGHT_SEND) < 0)
			goto fail;
	}
	return 0;
fail:
	/* Ports not yet named are freed here; the rest by ipc_task_exit. */
	free_unnamed(notify);
	free_unnamed(self);
	ipc_task_exit(t);
	return -ENOMEM;
}

void ipc_space_put(struct ipc_space *s)
{
	if (--s->refs == 0) {
		kfree(s->table);
		kfree(s);
	}
}

/* A task is dying: every right it holds goes, its ports with them. */
void ipc_task_exit(struct task_struct *t)
{
	struct ipc_space *s = t->ipc;
	uint32_t flags = irq_save();

	if (s) {
		for (unsigned n = 1; n < s->size; n++)
			if (s->table[n].bits)
				entry_destroy(s, n);
		t->ipc = NULL;
		ipc_space_put(s);
	}
	bootstrap_release(t);
	if (t->kport) {
		port_destroy(t->kport); /* holders now have dead names */
		port_unref(t->kport);
		t->kport = NULL;
	}
	irq_restore(flags);
}

/* ---- system calls on names --------------------------------------------- */

/* The caller's entry for name, or NULL; kernel threads have no space. */
static struct ipc_entry *my_entry(port_t name)
{
	return ipc_lookup(current->ipc, name);
}

static struct port *entry_port(struct ipc_entry *e)
{
	return (e->bits & RIGHT_PORT_SET) ? NULL : e->object;
}

long sys_port_allocate_k(void)
{
	uint32_t flags = irq_save();
	struct port *p;
	long name = -ENOMEM;

	if (!current->ipc) {
		irq_restore(flags);
		return -EPERM;
	}
	p = port_create();
	if (p) {
		name = ipc_insert(current->ipc, p, RIGHT_RECEIVE);
		if (name < 0) {
			port_ref(p);
			port_unref(p);
		}
	}
	irq_restore(flags);
	return name;
}

long sys_port_deallocate_k(port_t name)
{
	uint32_t flags = irq_save();
	struct ipc_entry *e = my_entry(name);
	long err = 0;

	if (!e) {
		err = -EINVAL;
	} else if (e->bits == RIGHT_SEND && e->urefs > 1) {
		e->urefs--; /* one of several send rights under this name */
		port_lose_sender(e->object);
	} else {
		/* Everything the name holds; a receive right kills the port. */
		entry_destroy(current->ipc, name);
	}
	irq_restore(flags);
	return err;
}

long sys_port_type_k(port_t name)
{
	uint32_t flags = irq_save();
	struct ipc_entry *e = my_entry(name);
	long bits = -EINVAL;

	if (e) {
		bits = e->bits;
		/* A send right whose port has died is a dead name. */
		if (!(bits & RIGHT_PORT_SET) &&
		    ((struct port *)e->object)->dead)
			bits = RIGHT_DEAD_NAME;
	}
	irq_restore(flags);
	return bits;
}

/* The receive right under name, or an error. */
static long receive_right(port_t name, struct port **out)
{
	struct ipc_entry *e = my_entry(name);

	if (!e)
		return -EINVAL;
	if (!(e->bits & RIGHT_RECEIVE))
		return -EBADRIGHT;
	*out = e->object;
	return 0;
}

long sys_port_make_send_k(port_t name)
{
	uint32_t flags = irq_save();
	struct port *p;
	long err = receive_right(name, &p);

	if (!err) {
		current->ipc->table[name].bits |= RIGHT_SEND;
		current->ipc->table[name].urefs++;
		p->srights++;
	}
	irq_restore(flags);
	return err;
}

long sys_port_make_send_once_k(port_t name)
{
	uint32_t flags = irq_save();
	struct port *p;
	long err = receive_right(name, &p);

	if (!err) {
		err = ipc_insert(current->ipc, p, RIGHT_SEND_ONCE);
		if (err > 0)
			p->srights++;
	}
	irq_restore(flags);
	return err;
}

long sys_port_set_qlimit_k(port_t name, unsigned n)
{
	uint32_t flags = irq_save();
	struct port *p;
	long err = receive_right(name, &p);

	if (!err && n > PORT_QLIMIT_MAX)
		err = -EINVAL;
	if (!err) {
		p->qlimit = n;
		wake_up_all(&p->senders,
			    0); /* a larger limit may let them in */
	}
	irq_restore(flags);
	return err;
}

long sys_port_set_allocate_k(void)
{
	uint32_t flags = irq_save();
	struct port_set *set;
	long name = -ENOMEM;

	if (!current->ipc) {
		irq_restore(flags);
		return -EPERM;
	}
	set = kzalloc(sizeof *set);
	if (set) {
		INIT_LIST_HEAD(&set->members);
		wait_queue_init(&set->receivers, "msg_receive(set)");
		name = space_free_name(current->ipc);
		if (name > 0) {
			current->ipc->table[name].object = set;
			current->ipc->table[name].bits = RIGHT_PORT_SET;
		} else {
			kfree(set);
		}
	}
	irq_restore(flags);
	return name;
}

static long set_and_port(port_t set_name, port_t name, struct port_set **set,
			 struct port **p)
{
	struct ipc_entry *e = my_entry(set_name);
	long err;

	if (!e)
		return -EINVAL;
	if (!(e->bits & RIGHT_PORT_SET))
		return -EBADRIGHT;
	*set = e->object;
	err = receive_right(name, p);
	return err;
}

long sys_port_set_add_k(port_t set_name, port_t name)
{
	uint32_t flags = irq_save();
	struct port_set *set;
	struct port *p;
	long err = set_and_port(set_name, name, &set, &p);

	if (!err && p->set && p->set != set)
		err = -EBUSY; /* a port is in at most one set */
	if (!err && !p->set) {
		p->set = set;
		list_add_tail(&p->set_link, &set->members);
		if (p->qlen)
			wake_up_one(&set->receivers, 0);
	}
	irq_restore(flags);
	return err;
}

long sys_port_set_remove_k(port_t set_name, port_t name)
{
	uint32_t flags = irq_save();
	struct port_set *set;
	struct port *p;
	long err = set_and_port(set_name, name, &set, &p);

	if (!err && p->set != set)
		err = -EINVAL;
	if (!err)
		set_remove(p);
	irq_restore(flags);
	return err;
}

static long request_dead_name(struct ipc_entry *e, port_t name)
{
	struct port *p = entry_port(e);
	struct ipc_request *r;
	struct port *notify = current->ipc->table[PORT_NOTIFY].object;

	if (!p || !(e->bits & (RIGHT_SEND | RIGHT_SEND_ONCE)))
		return -EBADRIGHT;
	if (!(current->ipc->table[PORT_NOTIFY].bits & RIGHT_RECEIVE))
		return -EINVAL; /* it gave its Notify port away */
	if (p->dead) {
		ipc_notify(notify, NOTIFY_DEAD_NAME, name); /* already dead */
		return 0;
	}
	r = kzalloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	r->notify = notify;
	port_ref(notify);
	r->space = current->ipc;
	r->name = name;
	list_add_tail(&r->link, &p->requests);
	return 0;
}

long sys_port_request_k(port_t name, int kind)
{
	uint32_t flags = irq_save();
	struct ipc_entry *e = my_entry(name);
	long err = 0;

	if (!e) {
		err = -EINVAL;
	} else if (kind == PORT_REQUEST_DEAD_NAME) {
		err = request_dead_name(e, name);
	} else if (kind == PORT_REQUEST_NO_SENDERS) {
		struct port *p = e->object;
		struct port *notify = current->ipc->table[PORT_NOTIFY].object;

		if (!(e->bits & RIGHT_RECEIVE)) {
			err = -EBADRIGHT;
		} else if (!(current->ipc->table[PORT_NOTIFY].bits &
			     RIGHT_RECEIVE)) {
			err = -EINVAL; /* it gave its Notify port away */
		} else if (!p->no_senders) {
			p->no_senders = notify;
			p->no_senders_name = name;
			port_ref(notify);
			if (p->srights == 0)
				port_lose_sender((p->srights++, p));
		}
	} else {
		err = -EINVAL;
	}
	irq_restore(flags);
	return err;
}

long sys_task_for_pid_k(int pid)
{
	uint32_t flags = irq_save();
	struct task_struct *t = pid_lookup(pid);
	long name;

	if (!current->ipc) {
		name = -EPERM;
	} else if (!t || !t->kport) {
		name = -ESRCH;
	} else {
		name = ipc_insert(current->ipc, t->kport, RIGHT_SEND);
		if (name > 0)
			t->kport->srights++;
	}
	irq_restore(flags);
	return name;
}
