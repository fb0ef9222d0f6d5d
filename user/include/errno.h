/*
 * errno.h - the error numbers (shared with the kernel) and errno.
 *
 * A system call wrapper that fails returns -1 and leaves the reason in
 * errno, as POSIX does. The kernel itself returns -ENOENT etc. in EAX;
 * the wrappers in lib/unistd.c do the translation.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include <mica/errno.h>

extern int errno; /* one task, one thread: a plain global is enough */

#endif
