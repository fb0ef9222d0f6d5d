/*
 * pipe.c - the client side of pipes and FIFOs: descriptors served by the
 * pipe server (user/pipeserv.c, protocol in user/include/pipe.h).
 *
 * The kernel keeps the send right of a pipe end in the descriptor table,
 * so fork shares it and exec keeps it, like any descriptor. But the
 * kernel never talks to servers: read() and write() on such a descriptor
 * answer -EREMOTE, and unistd.c then calls pipe_read/pipe_write here,
 * which send the request with msg_rpc(MSG_TO_FD), naming the descriptor
 * instead of a port.
 */
#include <errno.h>
#include <ipc.h>
#include <ns.h>
#include <pipe.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "remote.h"
#include "syscall.h"

#define LOOKUP_WAIT_MS 5000 /* at boot the server may not be up yet */

static port_t server = PORT_NULL; /* a send right to its service port */

/* -errno -> -1 and errno, as everywhere in libc. */
static long fail(long err)
{
	errno = (int)-err;
	return -1;
}

/* Find the pipe server (once; the right is kept, and fork copies it).
 * With wait false, do not wait for it to register. */
static port_t pipe_server(int wait)
{
	if (server == PORT_NULL)
		server = wait ? ns_lookup_wait(PIPE_SERVICE, LOOKUP_WAIT_MS)
			      : ns_lookup(PIPE_SERVICE);
	if (server < 0) {
		server = PORT_NULL; /* errno says why */
		return -1;
	}
	return server;
}

/* Drop the rights (and out-of-line pages) a reply brought that we will
 * not keep. */
static void drop_rights(const struct msg *m)
{
	for (unsigned i = 0; i < m->h.nrights && i < MSG_RIGHTS_MAX; i++)
		if (m->h.rights[i].name != PORT_NULL)
			port_deallocate(m->h.rights[i].name);
	for (unsigned i = 0; i < m->h.nool && i < MSG_OOL_MAX; i++)
		munmap((void *)m->h.ool[i].addr, m->h.ool[i].size);
}

/*
 * The result in a reply to request id, or -EIO if the reply is not one:
 * a wrong id, too short, or too many rights (dropped). nrights rights
 * are expected when the result is 0.
 */
static long reply_result(struct msg *m, int id, unsigned nrights)
{
	int32_t result;

	if (m->h.id != id + PIPE_REPLY_OFFSET || m->h.nool ||
	    msg_body_len(m) < sizeof result) {
		drop_rights(m);
		return -EIO;
	}
	memcpy(&result, m->body, sizeof result);
	if (result < 0 && m->h.nrights == 0)
		return result;
	for (unsigned i = 0; i < m->h.nrights; i++)
		if (m->h.rights[i].disposition != MSG_MOVE_SEND)
			nrights = ~0u; /* only send rights are expected */
	if (result != 0 || m->h.nrights != nrights) {
		drop_rights(m);
		return -EIO;
	}
	return 0;
}

/*
 * An rpc to the service port; the reply replaces the request in m. A
 * server that died (and perhaps came back under the same name) is looked
 * up again, once. The result, or -errno.
 */
static long service_rpc(struct msg *m, int wait, unsigned nrights)
{
	struct msg reply;
	int id = m->h.id;

	for (int tries = 0; tries < 2; tries++) {
		if (pipe_server(wait) < 0)
			return -errno;
		m->h.dest = server;
		if (msg_rpc(m, &reply, sizeof reply, 0, 0) >= 0) {
			memcpy(m, &reply, reply.h.size);
			return reply_result(m, id, nrights);
		}
		if (errno != EDEADNAME && errno != EINVAL)
			return -errno;
		/* A dead name now (or gone): drop it, look again. */
		while (port_type(server) == RIGHT_DEAD_NAME)
			port_deallocate(server);
		server = PORT_NULL;
	}
	return -EDEADNAME;
}

/* ---- read and write on a pipe end --------------------------------------- */

/*
 * The count in the reply to a READ or WRITE (or -errno), checked: the
 * right id, no rights, and (READ) exactly that many bytes after it, no
 * more than asked for. Anything else is -EIO.
 */
static long io_result(struct msg *m, int id, uint32_t max)
{
	uint32_t len = msg_body_len(m);
	int32_t r;

	if (m->h.id != id + PIPE_REPLY_OFFSET || m->h.nrights || m->h.nool ||
	    len < sizeof r) {
		drop_rights(m);
		return -EIO;
	}
	memcpy(&r, m->body, sizeof r);
	if (r < 0)
		return len == sizeof r ? r : -EIO;
	if ((uint32_t)r > max)
		return -EIO;
	if (len != sizeof r + (id == PIPE_READ ? (uint32_t)r : 0))
		return -EIO;
	return r;
}

/* One READ: up to n bytes (at most PIPE_IO_MAX); 0 at EOF. */
ssize_t pipe_read(int fd, void *buf, size_t n)
{
	struct msg m;
	uint32_t max = n < PIPE_IO_MAX ? n : PIPE_IO_MAX;
	long r;

	if (n == 0)
		return 0;
	msg_init(&m, fd, PIPE_READ, &max, sizeof max);
	if (msg_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) < 0)
		return -1;
	r = io_result(&m, PIPE_READ, max);
	if (r < 0)
		return fail(r);
	memcpy(buf, m.body + sizeof(int32_t), r);
	return r;
}

/*
 * Write all n bytes, in WRITEs of up to PIPE_WRITE_MAX (each waits for
 * room: a blocking write completes, as POSIX says). If the pipe breaks
 * half-way, the bytes already written are the result.
 */
ssize_t pipe_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	struct msg m;

	do {
		size_t chunk =
		    n - done < PIPE_WRITE_MAX ? n - done : PIPE_WRITE_MAX;
		long r;

		msg_init(&m, fd, PIPE_WRITE, p + done, chunk);
		r = msg_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) < 0
			? -errno
			: io_result(&m, PIPE_WRITE, chunk);
		if (r < 0)
			return done ? (ssize_t)done : fail(r);
		done += r;
		if ((size_t)r < chunk)
			break; /* the server took less: a short write */
	} while (done < n);
	return done;
}

/* ---- making pipes and FIFOs ------------------------------------------------ */

int fd_attach(port_t name)
{
	long r = syscall1(SYS_fd_attach, name);

	return r < 0 ? fail(r) : r;
}

/* fd[0]: the read end, fd[1]: the write end. */
int pipe(int fd[2])
{
	struct msg m;
	long r;

	msg_init(&m, PORT_NULL, PIPE_CREATE, NULL, 0);
	r = service_rpc(&m, 1, 2);
	if (r < 0)
		return fail(r);
	fd[0] = fd_attach(m.h.rights[0].name);
	fd[1] = fd[0] < 0 ? -1 : fd_attach(m.h.rights[1].name);
	if (fd[1] < 0) { /* out of descriptors: close what we have */
		int err = errno;

		if (fd[0] >= 0)
			close(fd[0]);
		else
			port_deallocate(m.h.rights[0].name);
		port_deallocate(m.h.rights[1].name);
		return fail(-err);
	}
	return 0;
}

/*
 * A FIFO name as the server wants it: the kernel's rule for initrd paths
 * (one leading '/' is dropped), then 1..PIPE_NAME_MAX-1 bytes.
 */
static long fifo_name(const char *path, struct pipe_name *pn, int arg)
{
	size_t len;

	if (path == NULL)
		return -EFAULT;
	if (path[0] == '/')
		path++;
	len = strlen(path);
	if (len == 0)
		return -ENOENT;
	if (len >= PIPE_NAME_MAX)
		return -ENAMETOOLONG;
	pn->arg = arg;
	memcpy(pn->name, path, len + 1);
	return sizeof pn->arg + len + 1;
}

/* A name-taking request (MKFIFO, OPEN, UNLINK): the result, or -errno. */
static long name_rpc(struct msg *m, int id, const char *path, int arg, int wait,
		     unsigned nrights)
{
	struct pipe_name pn;
	long len = fifo_name(path, &pn, arg);

	if (len < 0)
		return len;
	msg_init(m, PORT_NULL, id, &pn, len);
	return service_rpc(m, wait, nrights);
}

/* Is there an initrd file by this name? (The namespaces must not clash.) */
static int initrd_has(const char *path)
{
	long fd = syscall2(SYS_open, path, O_RDONLY);

	if (fd < 0)
		return 0;
	syscall1(SYS_close, fd);
	return 1;
}

int mkfifo(const char *path, int mode)
{
	struct msg m;
	long r;

	if (mode & ~0777)
		return fail(-EINVAL);
	if (path != NULL && initrd_has(path))
		return fail(-EEXIST);
	r = name_rpc(&m, PIPE_MKFIFO, path, mode, 1, 0);
	return r < 0 ? fail(r) : 0;
}

/*
 * open() of a name the kernel would not open (kerr): a FIFO, if the
 * initrd has no file by that name and the pipe server knows one. Waits
 * for the other side (POSIX). The fd, or -errno.
 */
long fifo_open(const char *path, int flags, long kerr)
{
	struct msg m;
	long r;

	if (path == NULL || initrd_has(path))
		return kerr; /* EACCES: the initrd is read-only */
	r = name_rpc(&m, PIPE_OPEN, path, flags, 0, 1);
	if (r == -EDEADNAME || r == -ETIMEDOUT)
		return -ENOENT; /* no pipe server: no FIFOs either */
	if (r < 0)
		return r;
	r = syscall1(SYS_fd_attach, m.h.rights[0].name);
	if (r < 0)
		port_deallocate(m.h.rights[0].name);
	return r;
}

int unlink(const char *path)
{
	struct msg m;
	long r = name_rpc(&m, PIPE_UNLINK, path, 0, 0, 0);

	if (r == -ENOENT && initrd_has(path))
		r = -EACCES; /* the initrd is read-only */
	return r < 0 ? fail(r) : 0;
}
