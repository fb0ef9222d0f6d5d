/*
 * ipc.h - Mach-style ports and messages: the ABI shared by the kernel
 * (kernel/ipc/) and user space (user/lib/ipc.c). docs/ports.md explains
 * the model; this file is the contract.
 *
 * A port is a kernel-protected message queue. Nobody names a port
 * directly: each task has a *port name space* that maps small integers
 * (port_t names) to *rights*: the one receive right (may dequeue), send
 * rights (may enqueue), send-once rights (may enqueue exactly one message,
 * a reply), and dead names (a send right whose port has died). A name
 * means nothing outside its task.
 */
#ifndef MICA_IPC_H
#define MICA_IPC_H

#include <stdint.h>

typedef int port_t; /* a name in the caller's port name space */
#define PORT_NULL 0

/* Names every task holds from birth. */
#define PORT_KERNEL	1 /* send right to my Kernel port: operations on me */
#define PORT_NOTIFY	2 /* receive right: notifications for me arrive here */
#define PORT_SELF	3 /* receive right: my well-known port, reached by pid */
#define PORT_BOOTSTRAP	4 /* send right to the name server, if there is one
			   * (PORT_NULL-like dead name until init sets it) */
#define PORT_FIRST_FREE 5

/* What a name holds (port_type returns a mask of these). */
#define RIGHT_RECEIVE	0x01
#define RIGHT_SEND	0x02
#define RIGHT_SEND_ONCE 0x04
#define RIGHT_DEAD_NAME 0x08
#define RIGHT_PORT_SET	0x10

/*
 * Dispositions: what a message does with a right it carries (Mach's
 * numbers). The header's reply right and each descriptor in rights[] has
 * one. On receive, `disposition` says what right arrived:
 * MSG_MOVE_RECEIVE, MSG_MOVE_SEND or MSG_MOVE_SEND_ONCE.
 */
#define MSG_MOVE_RECEIVE   16 /* give away my receive right */
#define MSG_MOVE_SEND	   17 /* give away one of my send rights */
#define MSG_MOVE_SEND_ONCE 18 /* give away my send-once right */
#define MSG_COPY_SEND	   19 /* give a copy of my send right */
#define MSG_MAKE_SEND	   20 /* make a send right from my receive right */
#define MSG_MAKE_SEND_ONCE 21 /* make a send-once right from my receive right */

#define MSG_RIGHTS_MAX 4    /* rights one message may carry */
#define MSG_BODY_MAX   1024 /* bytes of inline body */

struct msg_right {
	port_t name;
	uint32_t disposition;
};

struct msg_header {
	uint32_t size; /* header + body bytes (sizeof(struct msg_header)..) */
	port_t dest;   /* send: where to (a send or send-once right, or a pid
			 * with MSG_TO_PID); receive: the port it came in on */
	port_t reply;  /* send: a right for the answer, or PORT_NULL;
			 * receive: the name of that right here */
	uint32_t reply_disposition; /* usually MSG_MAKE_SEND_ONCE */
	int32_t id;	/* what the message means: the two sides agree */
	int32_t sender; /* receive: the sender's pid, stamped by the kernel
			 * (0: the kernel); ignored on send. With MSG_FROM_PID:
			 * the pid to receive from. */
	uint32_t nrights;
	struct msg_right rights[MSG_RIGHTS_MAX];
};

/* The largest message: a header and a full body. */
struct msg {
	struct msg_header h;
	uint8_t body[MSG_BODY_MAX];
};

#define MSG_SIZE_MIN ((uint32_t)sizeof(struct msg_header))
#define MSG_SIZE_MAX ((uint32_t)sizeof(struct msg))

/* Options for msg_send, msg_receive and msg_rpc. */
#define MSG_TIMEOUT                                                            \
	0x01 /* wait at most timeout_ms; with 0, do not wait
			  * at all (-EWOULDBLOCK); without this bit, wait
			  * as long as it takes. The value alone never
			  * decides: the bit does. */
#define MSG_NOTIFY                                                             \
	0x02 /* send, queue full: let the kernel keep this one
			  * message and tell my Notify port (MSG_ACCEPTED)
			  * when it is queued; msg_send returns
			  * MSG_WILL_NOTIFY */
#define MSG_TO_PID                                                             \
	0x04 /* send: h.dest is a pid; the message goes to that
			  * task's PORT_SELF (direct communication) */
#define MSG_FROM_PID                                                           \
	0x08 /* receive: only take a message whose sender is
			   * the pid in h.sender of the buffer */

#define MSG_TO_FD                                                              \
	0x10 /* send, rpc: h.dest is a file descriptor that holds a
			   * send right (a pipe end, SYS_fd_attach) */

#define MSG_WILL_NOTIFY 1 /* msg_send: cached; a notification will follow */

/* Queue limits (port_set_qlimit). */
#define PORT_QLIMIT_DEFAULT 5	 /* as in Mach */
#define PORT_QLIMIT_MAX	    1024 /* "unbounded", within the per-task cap */
#define IPC_TASK_QUEUED_MAX (256 * 1024) /* bytes one task may have queued */

/* Notifications (message ids on the Notify port; body: a port_t name). */
#define NOTIFY_DEAD_NAME    0x48 /* a port you asked about lost its receiver */
#define NOTIFY_PORT_DELETED 0x49 /* you deallocated a name you asked about */
#define NOTIFY_NO_SENDERS   0x4A /* no send rights remain for your port */
#define NOTIFY_MSG_ACCEPTED                                                    \
	0x4B /* your cached message (MSG_NOTIFY) is queued */

/* Operations on a task's Kernel port (message ids). The reply (to the
 * message's reply right) has id = request id + 100 and a body of one
 * int32 result, or a struct mica_task_info for KERNEL_TASK_INFO. */
#define KERNEL_TASK_INFO      1000
#define KERNEL_TASK_SUSPEND   1001
#define KERNEL_TASK_RESUME    1002
#define KERNEL_TASK_TERMINATE 1003
#define KERNEL_REPLY_OFFSET   100

/* port_request: ask for a notification about a name. */
#define PORT_REQUEST_DEAD_NAME	1 /* name holds a send right */
#define PORT_REQUEST_NO_SENDERS 2 /* name holds the receive right */

#endif
