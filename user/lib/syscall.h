/*
 * syscall.h - private to the library: the raw system call and short
 * helpers that pass fewer than five arguments.
 */
#ifndef USER_LIB_SYSCALL_H
#define USER_LIB_SYSCALL_H

#include <mica/syscall.h>

long __syscall5(long n, long a, long b, long c, long d, long e);

#define syscall0(n)	  __syscall5((n), 0, 0, 0, 0, 0)
#define syscall1(n, a)	  __syscall5((n), (long)(a), 0, 0, 0, 0)
#define syscall2(n, a, b) __syscall5((n), (long)(a), (long)(b), 0, 0, 0)
#define syscall3(n, a, b, c)                                                   \
	__syscall5((n), (long)(a), (long)(b), (long)(c), 0, 0)

#endif
