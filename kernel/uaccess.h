/*
 * uaccess.h - the one way the kernel reads and writes user memory.
 *
 * Every pointer a system call receives is untrusted. These routines check
 * that the whole range lies in user space, then touch it directly (the
 * current task's address space is the one loaded); a page that is not
 * there faults, and the page-fault handler makes it present as a user
 * access would (stack pages, copy-on-write) or makes the copy return
 * -EFAULT (arch/x86/usercopy.S). The kernel itself never dies of one.
 */
#ifndef MICA_UACCESS_H
#define MICA_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* Does [uptr, uptr + n) lie wholly in user space? (No mapping check.) */
static inline int user_range_ok(const void *uptr, size_t n)
{
	uintptr_t p = (uintptr_t)uptr;

	return p < 0xC0000000u && n <= 0xC0000000u - p;
}

int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);

/* May the byte at uaddr be written? 0 or -EFAULT; the byte is unchanged
 * (but a copy-on-write page gets its copy, as a store would). */
int probe_user_write(void *uaddr);

/* Copy a NUL-terminated string of at most max-1 bytes; returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

/*
 * The user address of a field of a structure at user address p. `&p->f`
 * would be undefined behaviour for a bad p (NULL, or near the top of the
 * address space: UBSan reports it); this is only arithmetic on a number.
 */
#define USER_FIELD(p, type, field)                                             \
	((void *)((uintptr_t)(p) + offsetof(type, field)))

#endif
