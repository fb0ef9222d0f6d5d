/*
 * sys/types.h - the basic types POSIX programs expect.
 *
 * i386 is an ILP32 machine: int, long and pointers are all 32 bits.
 */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h> /* size_t and NULL, from the compiler */

typedef int pid_t;   /* process id, as the kernel's pid_t */
typedef int ssize_t; /* a byte count, or -1 for an error */
typedef long off_t;  /* a file offset or size */

#endif
