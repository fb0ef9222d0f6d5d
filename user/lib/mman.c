/*
 * mman.c - mmap, munmap and POSIX shared memory (sys/mman.h).
 */
#include <errno.h>
#include <sys/mman.h>

#include "syscall.h"

/* The kernel's -errno to POSIX's -1 and errno (as unistd.c does). */
static long check(long r)
{
	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	/* Six arguments: more than the registers carry, so a structure. */
	struct mica_mmap a = {(uint32_t)addr, len, prot,
			      flags,	      fd,  (uint32_t)offset};
	long r = check(syscall1(SYS_mmap, &a));

	return r == -1 ? MAP_FAILED : (void *)r;
}

int munmap(void *addr, size_t len)
{
	return check(syscall2(SYS_munmap, addr, len));
}

int shm_open(const char *name, int oflag, int mode)
{
	return check(syscall3(SYS_shm_open, name, oflag, mode));
}

int shm_unlink(const char *name)
{
	return check(syscall1(SYS_shm_unlink, name));
}

int ftruncate(int fd, off_t size)
{
	if (size < 0) {
		errno = EINVAL;
		return -1;
	}
	return check(syscall2(SYS_ftruncate, fd, size));
}
