/*
 * remote.h - private to the library: descriptors served by a port (pipe
 * ends, lib/pipe.c). unistd.c calls these when the kernel answers a read
 * or write with -EREMOTE, and open when the initrd has no such file.
 */
#ifndef USER_LIB_REMOTE_H
#define USER_LIB_REMOTE_H

#include <sys/types.h>

ssize_t pipe_read(int fd, void *buf, size_t n);	       /* -1 and errno */
ssize_t pipe_write(int fd, const void *buf, size_t n); /* -1 and errno */
/* open() when the kernel said kerr (-ENOENT or -EACCES): the fd of a
 * FIFO of that name, or -errno. */
long fifo_open(const char *path, int flags, long kerr);

#endif
