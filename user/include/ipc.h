/*
 * ipc.h - Mach-style ports and messages, as C functions (lib/ipc.c).
 *
 * The types, rights, dispositions and options are the kernel's own
 * (include/mica/ipc.h, the contract both sides share); this header adds
 * the functions that make the system calls.
 *
 * As in unistd.h, every call returns -1 and sets errno when the kernel
 * reports an error. The one exception to "0 means success": msg_send
 * returns MSG_WILL_NOTIFY (1) when MSG_NOTIFY made the kernel keep the
 * message for later.
 *
 * A typical exchange (a client asking a server):
 *
 *     struct msg m, r;
 *     msg_init(&m, server, MY_REQUEST, &arg, sizeof arg);
 *     if (msg_rpc(&m, &r, sizeof r, 0, 0) < 0)   // send, wait for answer
 *             ...
 *
 * and on the server's side:
 *
 *     msg_receive(port, &m, sizeof m, 0, 0);     // m.h.reply: where to
 *     msg_init(&r, m.h.reply, MY_REQUEST + 1, &result, sizeof result);
 *     msg_send(&r, 0, 0);                        // uses up the send-once
 */
#ifndef _IPC_H
#define _IPC_H

#include <mica/ipc.h>

/* ---- ports and rights ---------------------------------------------- */

port_t port_allocate(void);	  /* a new port; the name has RIGHT_RECEIVE */
int port_deallocate(port_t name); /* drop the name and what it holds */
int port_type(port_t name);	  /* the RIGHT_* mask the name holds */
int port_make_send(port_t name);  /* add RIGHT_SEND to a receive name */
port_t port_make_send_once(port_t name); /* a new name: RIGHT_SEND_ONCE */
int port_set_qlimit(port_t name, unsigned limit); /* 0: rendezvous */
int port_request(port_t name, int kind);	  /* PORT_REQUEST_* */

/* ---- port sets: receive from any of several ports -------------------- */

port_t port_set_allocate(void);
int port_set_add(port_t set, port_t name);
int port_set_remove(port_t set, port_t name);

/* ---- messages ---------------------------------------------------------- */

/* 0, MSG_WILL_NOTIFY (only with MSG_NOTIFY), or -1 and errno. */
int msg_send(const struct msg *m, unsigned options, unsigned timeout_ms);

/* The size of the message received into buf (at most size bytes). */
int msg_receive(port_t name, struct msg *buf, unsigned size, unsigned options,
		unsigned timeout_ms);

/* Send m and wait for the answer to it, in one call: the size of the
 * reply. With m->h.reply == PORT_NULL the kernel uses a reply port of
 * its own for this task. m and reply may be the same buffer. */
int msg_rpc(struct msg *m, struct msg *reply, unsigned size, unsigned options,
	    unsigned timeout_ms);

/* A server's loop step: send `reply` (NULL for none), then receive the
 * next request on `name` into buf, in one call. When the reply goes to a
 * client already waiting for it, the kernel switches straight to it. */
int msg_reply_receive(const struct msg *reply, port_t name, struct msg *buf,
		      unsigned size, unsigned options);

/* A send right to the Kernel port of task pid (its controls). */
port_t task_for_pid(int pid);

/* ---- helpers (no system calls) ------------------------------------------ */

/* Fill in a message's header for dest: size for len body bytes, id, no
 * reply right, no rights; copy the body in (body may be NULL if len is 0;
 * len is cut to MSG_BODY_MAX). */
void msg_init(struct msg *m, port_t dest, int id, const void *body,
	      unsigned len);

/* The number of body bytes in a message (its size minus the header). */
unsigned msg_body_len(const struct msg *m);

/* Attach a right to m: name, with what to do with it (MSG_MOVE_*,
 * MSG_COPY_SEND, MSG_MAKE_*). 0, or -1 with errno EINVAL if m is full. */
int msg_add_right(struct msg *m, port_t name, unsigned disposition);

/* The port_t a notification carries in its body (NOTIFY_*), or PORT_NULL
 * if the body is too short to hold one. */
port_t msg_notify_name(const struct msg *m);

#endif
