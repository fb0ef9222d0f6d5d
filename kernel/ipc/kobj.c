/*
 * kobj.c - where the kernel itself is a party to messages.
 *
 * A task's Kernel port is received by the kernel: a message sent to it is
 * an operation on that task ("even system calls are messages"), handled
 * at once in the sender's msg_send, and answered on the reply right. And
 * the kernel sends notifications to Notify ports.
 */
#include "ipc/ipc.h"
#include "sched.h"
#include "task.h"
#include "wait.h"
#include "lib/string.h"
#include <mica/errno.h>
#include <mica/syscall.h>

static struct wait_queue suspended = WAIT_QUEUE_INIT(suspended, "suspended");

/* A kernel message with a small body, to a port, ignoring its limit. */
static void kernel_send(struct port *to, int id, const void *body, uint32_t len)
{
	struct kmsg *m;

	if (!to || to->dead)
		return;
	m = kmsg_alloc(len);
	if (!m)
		return; /* out of memory: the notification is lost */
	m->id = id;
	m->sender = 0; /* the kernel */
	memcpy(m->body, body, len);
	port_enqueue(to, m);
}

void ipc_notify(struct port *notify, int id, port_t name)
{
	kernel_send(notify, id, &name, sizeof name);
}

static int32_t task_op(struct task_struct *t, int id)
{
	if (t == idle_task || !t->mm)
		return -EPERM;
	switch (id) {
	case KERNEL_TASK_SUSPEND:
		if (t->pid == 1)
			return -EPERM;
		t->suspended = true;
		return 0;
	case KERNEL_TASK_RESUME:
		t->suspended = false;
		if (t->state == TASK_WAITING && t->waiting_on == &suspended)
			wake_up_task(t, 0);
		return 0;
	case KERNEL_TASK_TERMINATE:
		t->suspended = false;
		return task_kill(t, SIGKILL);
	default:
		return -ENOSYS;
	}
}

/* A message to a Kernel port: do the operation, answer, consume m. */
long kobject_handle(struct port *p, struct kmsg *m)
{
	struct task_struct *t = p->kobject;
	struct port *reply = m->reply;
	/* Unsigned: any id may come in, INT_MAX too (no overflow). */
	int id = (int)((uint32_t)m->id + KERNEL_REPLY_OFFSET);

	if (m->id == KERNEL_TASK_INFO) {
		struct mica_task_info info;

		task_fill_info(t, &info);
		kernel_send(reply, id, &info, sizeof info);
	} else {
		int32_t result = task_op(t, m->id);

		kernel_send(reply, id, &result, sizeof result);
	}
	if (reply) { /* the answer used the reply right up */
		port_use_right(reply, m->reply_bits);
		port_unref(reply);
		m->reply = NULL;
	}
	kmsg_free(m);
	return 0;
}

/* On the way back to user mode: a suspended task waits here. */
void task_suspend_point(void)
{
	while (current->suspended && !current->killed)
		if (sleep_on(&suspended) == -EINTR)
			break;
}
