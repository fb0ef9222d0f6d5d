/*
 * errno.h - error numbers shared by the kernel and user space.
 *
 * A system call that fails returns the negative of one of these in EAX;
 * the user library turns it into -1 and errno, as POSIX does. The values
 * follow Linux's, so a student's intuition (and strerror tables) carry over.
 */
#ifndef MICA_ERRNO_H
#define MICA_ERRNO_H

#define EPERM	     1	    /* operation not permitted */
#define ENOENT	     2	    /* no such file */
#define ESRCH	     3	    /* no such task */
#define EINTR	     4	    /* interrupted */
#define EIO	     5	    /* input/output error */
#define ENXIO	     6	    /* no such address in the object */
#define E2BIG	     7	    /* argument list too long */
#define ENODEV	     19	    /* the file cannot be mapped */
#define ENOEXEC	     8	    /* not an executable */
#define EBADF	     9	    /* bad file descriptor */
#define ECHILD	     10	    /* no child to wait for */
#define EAGAIN	     11	    /* try again (resource temporarily short) */
#define EWOULDBLOCK  EAGAIN /* the call would have to wait */
#define ENOMEM	     12	    /* out of memory */
#define EACCES	     13	    /* permission denied */
#define EFAULT	     14	    /* bad address */
#define EBUSY	     16	    /* resource busy */
#define EEXIST	     17	    /* already exists */
#define ENOTDIR	     20	    /* not a directory */
#define EISDIR	     21	    /* is a directory */
#define EINVAL	     22	    /* invalid argument */
#define ENFILE	     23	    /* too many open files in the system */
#define EMFILE	     24	    /* too many open files */
#define EFBIG	     27	    /* too big (a shared-memory object) */
#define ENOSPC	     28	    /* no space left */
#define ESPIPE	     29	    /* illegal seek */
#define EPIPE	     32	    /* broken pipe: no reader */
#define ERANGE	     34	    /* result out of range */
#define ENAMETOOLONG 36	    /* name too long */
#define ENOSYS	     38	    /* no such system call */
#define ENOTEMPTY    39	    /* not empty */
#define EREMOTE	     66	    /* served by a port: ask its server (pipes) */
#define EMSGSIZE     90	    /* message too long (or buffer too small) */
#define ENOBUFS	     105    /* no buffer space (a queue cap reached) */
#define ETIMEDOUT    110    /* timed out */
#define EDEADNAME    200    /* mica: the port behind this name is dead */
#define EBADRIGHT    201    /* mica: the name holds the wrong kind of right */

#endif
