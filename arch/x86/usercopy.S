/*
 * usercopy.S - the kernel's one way to touch user memory directly.
 *
 *     int __copy_user(void *dst, const void *src, size_t n);
 *
 * Copies n bytes and returns 0, or -EFAULT if a user page was not there.
 * The caller (kernel/uaccess.c) has checked that the user side of the
 * copy lies below USER_TOP; whether it is *mapped* is found out by simply
 * trying, which is the fast way: no page-table walk in software.
 *
 * If one of the two `rep movs` below faults, the page-fault handler
 * (arch/x86/paging.c, page_fault) sees that the faulting instruction lies
 * between copy_user_start and copy_user_end. It first tries to make the
 * page present as a user access would (a stack page, a copy-on-write
 * copy: mm_fault_in); then the CPU simply re-executes the `rep movs`,
 * which goes on where it stopped (its registers count what is left). If
 * the page cannot be made present, the handler resumes at
 * copy_user_fixup instead, which returns -EFAULT. Linux calls this an
 * exception table; here it has one entry.
 *
 * CR0.WP is set (boot/boot.S), so a kernel write to a read-only user page
 * faults too, and copy-on-write works for the kernel as for the user.
 */
#include <mica/errno.h>

	.text
	.globl	__copy_user, copy_user_start, copy_user_end, copy_user_fixup
	.globl	__probe_user_write
	.type	__copy_user, @function
__copy_user:
	pushl	%esi			# callee-saved registers we use
	pushl	%edi
	movl	12(%esp), %edi		# dst
	movl	16(%esp), %esi		# src
	movl	20(%esp), %ecx		# n
	movl	%ecx, %edx
	shrl	$2, %ecx		# whole 4-byte words first
	andl	$3, %edx		# then the 0-3 bytes left
copy_user_start:
	rep movsl			# may fault: see above
	movl	%edx, %ecx
	rep movsb			# may fault
	jmp	copy_user_done
probe_user_byte:
	orb	$0, (%eax)		# may fault: a write of what is there
copy_user_end:
copy_user_done:
	xorl	%eax, %eax		# 0: all copied
	popl	%edi
	popl	%esi
	ret
copy_user_fixup:			# a user page could not be made present
	movl	$-EFAULT, %eax
	popl	%edi
	popl	%esi
	ret
	.size	__copy_user, . - __copy_user

/*
 *     int __probe_user_write(void *uaddr);
 *
 * Could the kernel write the byte at uaddr? 0 or -EFAULT, and the byte
 * is unchanged: `orb $0` reads it and writes the same value back. The
 * write is real, so a copy-on-write page gets its copy now, as a store
 * would. It lies inside the copy_user range, so a fault is handled as
 * one in __copy_user is; the fixup pops two registers, pushed here too.
 */
	.type	__probe_user_write, @function
__probe_user_write:
	pushl	%esi			# the same frame as __copy_user's,
	pushl	%edi			# so that copy_user_fixup fits
	movl	12(%esp), %eax		# uaddr
	jmp	probe_user_byte
