/*
 * sys/mman.h - memory mappings and POSIX shared memory (lib/mman.c).
 *
 *     int fd = shm_open("OS", O_CREAT | O_RDWR, 0666);
 *     ftruncate(fd, 4096);
 *     char *p = mmap(0, 4096, PROT_WRITE, MAP_SHARED, fd, 0);
 *
 * Mappings live between 0x40000000 and 0x80000000 (docs/shm.md). The
 * PROT_*, MAP_* and O_* constants are the kernel's (mica/syscall.h).
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>
#include <mica/syscall.h>

void *mmap(void *addr, size_t len, int prot, int flags, int fd,
	   off_t offset); /* MAP_FAILED and errno on failure */
int munmap(void *addr, size_t len);

int shm_open(const char *name, int oflag, int mode); /* mode: ignored */
int shm_unlink(const char *name);
int ftruncate(int fd, off_t size);

#endif
