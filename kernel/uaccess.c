/*
 * uaccess.c - copy-in and copy-out for the current task (see uaccess.h).
 *
 * The current task's address space is the one loaded, so its user memory
 * is simply there, below USER_TOP: the copy touches it directly
 * (arch/x86/usercopy.S), and a page that is not there faults into the
 * page-fault handler, which makes it present as a user access would or
 * makes the copy return -EFAULT. Another task's memory (exec's new image,
 * the Kernel port's replies) goes through mm_copy_in/out instead, which
 * walk that address space's page tables in software.
 */
#include "uaccess.h"
#include "sched.h"
#include "mm/vm.h"
#include <mica/errno.h>

int __copy_user(void *dst, const void *src, size_t n); /* usercopy.S */
int __probe_user_write(void *uaddr);

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!current->mm || !user_range_ok(usrc, n))
		return -EFAULT;
	return __copy_user(dst, usrc, n);
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!current->mm || !user_range_ok(udst, n))
		return -EFAULT;
	return __copy_user(udst, src, n);
}

int probe_user_write(void *uaddr)
{
	if (!current->mm || !user_range_ok(uaddr, 1))
		return -EFAULT;
	return __probe_user_write(uaddr);
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], usrc + i, 1) < 0)
			return -EFAULT;
		if (dst[i] == '\0')
			return (long)i;
	}
	if (max)
		dst[max - 1] = '\0';
	return -ENAMETOOLONG;
}
