/*
 * pipe.h - the pipe server's protocol (user/pipeserv.c, docs/pipes.md).
 *
 * Pipes live in a user-space server, not in the kernel. The server
 * registers its service port with the name server as "pipe". Each pipe
 * end (the read end, the write end, each open of a FIFO) is a port of
 * its own; a client holds a send right to it, kept by the kernel in a
 * descriptor (SYS_fd_attach), and talks to it with msg_rpc(MSG_TO_FD).
 * Closing the last descriptor drops the last send right, and the
 * server's no-senders notification says "this end is closed": that is
 * how readers learn of EOF and writers of a broken pipe.
 *
 * Every request is an rpc: its reply (id + PIPE_REPLY_OFFSET) starts with
 * an int32 result, >= 0 or -errno, then the data the call returns. A
 * request the server does not understand gets -ENOSYS; a malformed one
 * -EINVAL. Requests carry no rights: any that come are dropped.
 *
 * libc (user/lib/pipe.c) speaks this protocol for read, write, pipe,
 * mkfifo, open and unlink; programs need not include this file.
 */
#ifndef PIPE_H
#define PIPE_H

#include <stdint.h>
#include <mica/ipc.h>

#define PIPE_SERVICE	  "pipe" /* its name at the name server */
#define PIPE_BUF_SIZE	  4096	 /* bytes one pipe holds */
#define PIPE_NAME_MAX	  32	 /* bytes of a FIFO's name, with its NUL */
#define PIPE_IO_MAX	  (MSG_BODY_MAX - 4) /* bytes one READ returns */
#define PIPE_WRITE_MAX	  MSG_BODY_MAX	     /* bytes one WRITE carries */
#define PIPE_REPLY_OFFSET 100

/*
 * On the service port. MKFIFO, OPEN and UNLINK take a struct pipe_name
 * (arg, then the name with its NUL; the body may end right after it).
 *
 *   CREATE  -> 0; rights[0]: the read end, rights[1]: the write end
 *   MKFIFO  arg: a mode (0..0777) -> 0; EEXIST, ENAMETOOLONG, ENOENT
 *           (empty name), EINVAL, ENOSPC
 *   OPEN    arg: O_RDONLY or O_WRONLY -> 0; rights[0]: a new end. Waits
 *           for the other side, as POSIX's open of a FIFO does. ENOENT:
 *           no such FIFO (or it was unlinked while we waited)
 *   UNLINK  arg: 0 -> 0; ENOENT
 *   STAT    -> struct pipe_stat
 */
#define PIPE_CREATE 3000
#define PIPE_MKFIFO 3001
#define PIPE_OPEN   3002
#define PIPE_UNLINK 3003
#define PIPE_STAT   3004

/*
 * On a pipe end's port (msg_rpc with MSG_TO_FD).
 *
 *   READ   body: uint32 max -> n, then n bytes (1..max); 0 = EOF (no
 *          writer left). Waits while the pipe is empty and has writers.
 *          EBADF on a write end
 *   WRITE  body: the bytes (0..PIPE_WRITE_MAX) -> n (all of them: waits
 *          for room); EPIPE: no reader left. EBADF on a read end
 */
#define PIPE_READ  3010
#define PIPE_WRITE 3011

struct pipe_name {
	int32_t arg;
	char name[PIPE_NAME_MAX];
};

/* PIPE_STAT's answer: what the server holds now (for leak checks). */
struct pipe_stat {
	int32_t result;
	uint32_t pipes;	   /* ordinary pipes and FIFO instances in use */
	uint32_t fifos;	   /* FIFO names (mkfifo'd, not unlinked) */
	uint32_t ends;	   /* open ends: ports with send rights out */
	uint32_t waiting;  /* requests waiting for data, room or a peer */
	uint32_t buffered; /* bytes in all pipes' buffers */
};

#endif
