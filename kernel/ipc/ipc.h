/*
 * ipc.h - the kernel's side of Mach-style ports (include/mica/ipc.h is
 * the user-visible contract; docs/ports.md the explanation).
 *
 *   port.c   ports, port sets, name spaces and rights
 *   msg.c    messages: copy in, queue, copy out; send, receive, rpc
 *   kobj.c   ports the kernel receives on (a task's Kernel port), and
 *            notifications the kernel sends
 *
 * Everything runs with interrupts off (irq_save), the kernel's one lock.
 */
#ifndef MICA_IPC_KIPC_H
#define MICA_IPC_KIPC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "wait.h"
#include <mica/ipc.h>

struct task_struct;
struct port_set;

struct port {
	struct list_head queue;	     /* struct kmsg, oldest first */
	unsigned qlen;		     /* messages queued */
	unsigned qlimit;	     /* 0: rendezvous */
	struct wait_queue receivers; /* tasks blocked receiving here */
	struct wait_queue senders;   /* tasks blocked because it is full */
	unsigned nwaiting;	     /* receivers blocked (rendezvous) */
	struct list_head cached;     /* MSG_NOTIFY messages waiting */
	unsigned refs;		     /* names, messages and tasks using it */
	unsigned srights;	     /* send and send-once rights in all */
	bool dead;		     /* its receive right was destroyed */
	bool kernel;		     /* the kernel receives (a Kernel port) */
	struct task_struct *kobject; /* kernel: the task it controls */
	struct port_set *set;	     /* the set it is a member of, if any */
	struct list_head set_link;
	struct list_head requests; /* struct ipc_request: notifications */
	struct port *no_senders;   /* notify port to tell, or NULL */
	port_t no_senders_name;
	unsigned id; /* a serial number, for `ports` in GDB */
};

struct port_set {
	struct list_head members; /* struct port, by set_link */
	struct wait_queue receivers;
	unsigned refs;
};

/* One name in a task's name space. */
struct ipc_entry {
	void *object;	/* struct port *, or struct port_set * */
	uint16_t bits;	/* RIGHT_* held under this name */
	uint16_t urefs; /* send rights held (counted, as Mach does) */
};

/* The largest body the fast path carries (a bigger one is queued). */
#define IPC_FAST_BODY 256

/* What a task blocked in msg_receive is waiting for (the fast path). */
struct ipc_rcv {
	struct port *port; /* blocked on this port directly (not a set) */
	struct msg *ubuf;  /* its buffer (user address) and size */
	uint32_t size;
	port_t name; /* the port's name in its space */
	bool filter; /* MSG_FROM_PID, with pid */
	int32_t pid;
	bool done;   /* a sender delivered a message here (the fast path) */
	long result; /* ... and this is what msg_receive returns */
	/* The delivered message, staged in the kernel: the sender cannot
	 * reach our buffer (it is in our address space, not the one
	 * loaded), so we copy it out ourselves when we run again. */
	struct msg_header hdr;
	uint8_t body[IPC_FAST_BODY];
};

struct ipc_space {
	struct ipc_entry *table; /* indexed by name; entry 0 is unused */
	unsigned size;
	port_t reply_name;     /* the private reply port of msg_rpc */
	unsigned queued_bytes; /* this task's messages waiting in queues */
	unsigned queued_ool;   /* ... and the out-of-line pages they carry */
	unsigned refs;	       /* the task, and messages it has queued */
	struct ipc_rcv rcv;    /* while blocked in msg_receive */
};

/* A dead-name request: tell notify (under name) when port dies. */
struct ipc_request {
	struct list_head link;
	struct port *notify;
	struct ipc_space *space; /* whose name it is */
	port_t name;
};

/* A message inside the kernel. */
struct kmsg {
	struct list_head link;
	uint32_t size; /* header + body, as the user sees it */
	int32_t id, sender;
	struct port *reply;
	uint16_t reply_bits; /* RIGHT_SEND / RIGHT_SEND_ONCE / RIGHT_RECEIVE */
	uint32_t nrights;
	struct port *rights[MSG_RIGHTS_MAX];
	uint16_t right_bits[MSG_RIGHTS_MAX];
	struct ipc_space *charged; /* whose queued_bytes it counts in */
	struct port *notify;	   /* MSG_NOTIFY: the sender's Notify port */
	port_t notify_name;	   /* ... and its name for the destination */
	uint32_t sent_tick;	   /* for the trace's message arrows */
	uint32_t nool;		   /* out-of-line regions carried */
	struct kmsg_ool {
		uint32_t size;
		unsigned npages;
		uint32_t *pages; /* a frame reference each (phys_addr_t) */
	} ool[MSG_OOL_MAX];
	uint32_t body_len;
	uint8_t body[];
};

/* ---- port.c ----------------------------------------------------------- */
extern unsigned ipc_nr_ports, ipc_nr_messages;

struct port *port_create(void);
void port_ref(struct port *p);
void port_unref(struct port *p);
void port_destroy(struct port *p); /* its receive right is gone */
/* A right a message carries goes: dropped unused (a send-once right then
 * sends NOTIFY_SEND_ONCE to its port), or used up by the message sent on
 * it (a Kernel port's answer). */
void port_release_right(struct port *p, uint16_t bits);
void port_use_right(struct port *p, uint16_t bits);

struct ipc_entry *ipc_lookup(struct ipc_space *s, port_t name);
port_t ipc_insert(struct ipc_space *s, struct port *p, uint16_t bits);
void ipc_entry_drop(struct ipc_space *s, port_t name);

int ipc_task_init(struct task_struct *t, struct task_struct *parent);
void ipc_task_exit(struct task_struct *t);
void ipc_space_put(struct ipc_space *s);

long sys_port_allocate_k(void);
long sys_port_deallocate_k(port_t name);
long sys_port_type_k(port_t name);
long sys_port_make_send_k(port_t name);
long sys_port_make_send_once_k(port_t name);
long sys_port_set_qlimit_k(port_t name, unsigned n);
long sys_port_set_allocate_k(void);
long sys_port_set_add_k(port_t set, port_t name);
long sys_port_set_remove_k(port_t set, port_t name);
long sys_port_request_k(port_t name, int kind);
long sys_task_for_pid_k(int pid);
long sys_task_set_bootstrap_k(port_t name);
long sys_task_get_bootstrap_k(void);

/* ---- msg.c ------------------------------------------------------------ */
long ipc_msg_send(const struct msg *umsg, uint32_t options, uint32_t timeout);
long ipc_msg_receive(port_t name, struct msg *ubuf, uint32_t size,
		     uint32_t options, uint32_t timeout);
long ipc_msg_rpc(struct msg *umsg, struct msg *ubuf, uint32_t size,
		 uint32_t options, uint32_t timeout);
long ipc_msg_reply_receive(const struct msg *reply, port_t name,
			   struct msg *ubuf, uint32_t size, uint32_t options);
void kmsg_free(struct kmsg *m); /* releases the rights it carries */
struct kmsg *kmsg_alloc(uint32_t body_len);
void port_enqueue(struct port *p, struct kmsg *m);

/* ---- kobj.c ----------------------------------------------------------- */
void ipc_notify(struct port *notify, int id, port_t name);
long kobject_handle(struct port *p, struct kmsg *m);
void task_suspend_point(void); /* at the return to user mode */

#endif
