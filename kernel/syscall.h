/* syscall.h - the kernel's system call entry (kernel/syscall.c). */
#ifndef MICA_KSYSCALL_H
#define MICA_KSYSCALL_H

#include "x86/trap.h"

void syscall_dispatch(struct trap_frame *tf);

#endif
