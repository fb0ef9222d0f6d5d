/*
 * ns.h - the name server (user/nameserver.c): the textbook's matchmaker.
 *
 * Every task is born holding a send right to the name server under
 * PORT_BOOTSTRAP (include/mica/ipc.h): its bootstrap port, set by init
 * and inherited from parent to child by the kernel. A server registers a
 * name with a send right to its port; a client looks the name up and gets
 * a send right of its own. When the registered port dies (its server
 * exited or crashed), the name server forgets the name.
 *
 *     port_t p = port_allocate();
 *     ns_register("echo", p);            // server
 *     port_t echo = ns_lookup("echo");   // client: a send right
 *
 * docs/nameserver.md tells the whole story: the start-up handshake, the
 * protocol below, and what happens when a server dies.
 */
#ifndef NS_H
#define NS_H

#include <ipc.h>

#define NS_NAME_MAX  32 /* bytes of a registered name, with its NUL */
#define NS_NAMES_MAX 31 /* names registered at once (an NS_LIST fits) */

/*
 * Protocol: message ids on the bootstrap port. A request's body is the
 * name and its NUL, nothing more (NS_LOOKUP_WAIT: a uint32 timeout
 * first). A name is 1..NS_NAME_MAX-1 printable characters, no blanks.
 * The reply (to the request's reply right) has id = request id + 100 and
 * a body of an int32 result (0 or -errno), then what the call returns.
 * Requests with other ids get -ENOSYS; malformed ones -EINVAL or
 * -ENAMETOOLONG. Rights a request carries that the call does not take
 * are deallocated.
 */
#define NS_REGISTER	2000 /* name; rights[0]: a send right to serve */
#define NS_LOOKUP	2001 /* name; reply rights[0]: a send right */
#define NS_LOOKUP_WAIT	2002 /* uint32 timeout_ms, name: waits for it */
#define NS_UNREGISTER	2003 /* name; only its registrant (by pid) may */
#define NS_LIST		2004 /* reply: int32 count, then NUL-ended names */
#define NS_REPLY_OFFSET 100
/* NS_LOOKUP_WAIT answers as NS_LOOKUP once someone registers the name,
 * or -ETIMEDOUT when the time is up (at once for 0). */

#define NS_WAIT_FOREVER 0xFFFFFFFFu /* NS_LOOKUP_WAIT: no timeout */

/* The start-up handshake: the name server's first message, sent to its
 * parent (init) by pid; rights[0] is a send right to its port. */
#define NS_CHECKIN 1999

/* ---- the bootstrap port (system calls) --------------------------------- */

/* Make the send right under `name` my bootstrap port (and my children's
 * from now on), also under PORT_BOOTSTRAP; PORT_NULL: none. 0, or -1
 * with errno EINVAL (no such name), EBADRIGHT (not a send right),
 * EDEADNAME (its port is dead). */
int task_set_bootstrap(port_t name);

/* PORT_BOOTSTRAP, holding a send right to my bootstrap port (made again
 * if I deallocated it), or -1 with errno ENOENT (none was ever set) or
 * EDEADNAME (the name server died). */
port_t task_get_bootstrap(void);

/* ---- the library (user/lib/ns.c) ----------------------------------------- */

/* Register name for the port whose receive right (or send right) the
 * caller holds under `port`: 0, or -1 with errno (EEXIST, EINVAL,
 * ENAMETOOLONG, ENOSPC, EDEADNAME if there is no name server). */
int ns_register(const char *name, port_t port);

/* A send right to the port registered under name, or -1 with errno
 * (ENOENT). ns_lookup_wait waits up to timeout_ms (or NS_WAIT_FOREVER)
 * for it to appear (ETIMEDOUT). */
port_t ns_lookup(const char *name);
port_t ns_lookup_wait(const char *name, unsigned timeout_ms);

/* Forget a name I registered: 0, or -1 with errno (ENOENT, EPERM). */
int ns_unregister(const char *name);

/* The registered names, NUL-separated, into buf (at most size bytes):
 * how many, or -1 with errno. */
int ns_list(char *buf, unsigned size);

#endif
