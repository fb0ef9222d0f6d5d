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
 */
#ifndef NS_H
#define NS_H

#include <ipc.h>

#define NS_NAME_MAX 32 /* bytes of a registered name, with its NUL */

/* Protocol: message ids on the bootstrap port (replies: id + 100, body:
 * an int32 result, then what the call returns). */
#define NS_REGISTER   2000 /* body: name; rights[0]: send right to serve */
#define NS_LOOKUP     2001 /* body: name; reply rights[0]: a send right */
#define NS_LOOKUP_WAIT 2002 /* body: uint32 timeout_ms, name: as LOOKUP, but
			     * waits until someone registers the name */
#define NS_UNREGISTER 2003 /* body: name; only its registrant may */
#define NS_LIST	      2004 /* reply body: int32 count, then NUL-separated names */
#define NS_REPLY_OFFSET 100

/* Register name for the port whose receive right (or send right) the
 * caller holds under `port`: 0, or -1 with errno (EEXIST, EINVAL,
 * ENAMETOOLONG, EDEADNAME if there is no name server). */
int ns_register(const char *name, port_t port);

/* A send right to the port registered under name, or -1 with errno
 * (ENOENT). ns_lookup_wait waits up to timeout_ms for it to appear
 * (ETIMEDOUT). */
port_t ns_lookup(const char *name);
port_t ns_lookup_wait(const char *name, unsigned timeout_ms);

int ns_unregister(const char *name);

#endif
