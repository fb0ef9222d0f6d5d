/*
 * sys/wait.h - waiting for children. The W* macros that take a status
 * apart, and WNOHANG, come from the kernel's header so both sides agree.
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include <mica/syscall.h>

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);

#endif
