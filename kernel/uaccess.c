/* uaccess.c - copy-in and copy-out for the current task (see uaccess.h). */
#include "uaccess.h"
#include "sched.h"
#include "mm/vm.h"
#include <mica/errno.h>

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!current->mm)
		return -EFAULT;
	return mm_copy_in(current->mm, dst, (uintptr_t)usrc, n);
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!current->mm)
		return -EFAULT;
	return mm_copy_out(current->mm, (uintptr_t)udst, src, n);
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
