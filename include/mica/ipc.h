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

#include <stddef.h>
#include <stdint.h>

typedef int port_t; /* a name in the caller's port name space */
#define PORT_NULL 0

/* Names every task holds from birth. */
#define PORT_KERNEL	1 /* send right to my Kernel port: operations on me */
#define PORT_NOTIFY	2 /* receive right: notifications for me arrive here */
#define PORT_SELF	3 /* receive right: my well-known port, reached by pid */
#define PORT_BOOTSTRAP	4 /* send right to my bootstrap port (the name server) */
#define PORT_FIRST_FREE 5
/* PORT_BOOTSTRAP is empty until init sets it, and a dead name if the name
 * server died: see task_set_bootstrap and task_get_bootstrap. */

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

/*
 * Out-of-line memory: whole pages that travel with a message without
 * being copied byte by byte. The receiver gets them mapped copy-on-write
 * at an address of the kernel's choosing (in its mmap area), written back
 * into its copy of the descriptor; it gives them back with munmap.
 */
#define MSG_OOL_MAX	 4	     /* regions one message may carry */
#define MSG_OOL_SIZE_MAX (16u << 20) /* bytes in one region */
#define MSG_OOL_MOVE                                                           \
	0x1 /* flags: take the pages away from me (only memory
			* I got from mmap or a message), rather than
			* leaving me a copy-on-write view of them */

struct msg_ool {
	uint32_t addr;	/* page-aligned; receive: where it is mapped now */
	uint32_t size;	/* a multiple of the page size, > 0 */
	uint32_t flags; /* MSG_OOL_MOVE, or 0; receive: 0 */
};

struct msg_header {
	uint32_t size; /* header + body bytes (sizeof(struct msg_header)..) */
	port_t dest;   /* send: where to (a send or send-once right, or a pid
			 * with MSG_TO_PID); receive: the port it came in on */
	port_t reply;  /* send: a right for the answer, or PORT_NULL;
			 * receive: the name of that right here */
	uint32_t reply_disposition; /* usually MSG_MAKE_SEND_ONCE */
	int32_t id;	  /* what the message means: the two sides agree */
	int32_t sender;	  /* receive: the sender's pid, stamped by the kernel
			   * (0: the kernel); ignored on send. With
			   * MSG_FROM_PID: the pid to receive from. */
	uint32_t nrights; /* rights[] entries in use */
	uint32_t nool;	  /* ool[] entries in use */
	struct msg_right rights[MSG_RIGHTS_MAX];
	struct msg_ool ool[MSG_OOL_MAX];
};

/* The header's first part, always copied; rights[] and ool[] follow only
 * when a message uses them. */
#define MSG_HEADER_FIXED ((uint32_t)offsetof(struct msg_header, rights))

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
#define IPC_TASK_OOL_MAX    (64u << 20)	 /* ... and out-of-line bytes */

/* Notifications (message ids on the Notify port; body: a port_t name). */
#define NOTIFY_DEAD_NAME    0x48 /* a port you asked about lost its receiver */
#define NOTIFY_PORT_DELETED 0x49 /* you deallocated a name you asked about */
#define NOTIFY_NO_SENDERS   0x4A /* no send rights remain for your port */
#define NOTIFY_MSG_ACCEPTED                                                    \
	0x4B /* your cached message (MSG_NOTIFY) is queued */
/* Sent to the port a send-once right names (not to a Notify port) when
 * that right is destroyed unused: its holder died or deallocated it, or
 * the message carrying it was thrown away. Body: PORT_NULL. msg_rpc turns
 * it into -EDEADNAME. */
#define NOTIFY_SEND_ONCE 0x4C

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
