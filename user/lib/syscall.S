/*
 * syscall.S - the one way into the kernel: int $0x80.
 *
 * long __syscall5(long n, long a, long b, long c, long d, long e);
 * long sys_raw(long n, long a, long b, long c, long d, long e);
 *
 * The C calling convention passes these on the stack; the kernel wants
 * the number in EAX and the arguments in EBX, ECX, EDX, ESI, EDI, and
 * answers in EAX (a negative errno on failure). EBX, ESI and EDI belong
 * to our caller (they are callee-saved in the i386 C ABI), so we save
 * them around the trap. Both names are the same code: unistd.c uses
 * __syscall5 and turns errors into errno; tests call sys_raw to see the
 * kernel's exact answer.
 */

	.text
	.globl	__syscall5
	.globl	sys_raw
__syscall5:
sys_raw:
	pushl	%ebx		# save the callee-saved registers we use
	pushl	%esi
	pushl	%edi
	movl	16(%esp), %eax	# n: 3 saved registers + return address = 16
	movl	20(%esp), %ebx	# a
	movl	24(%esp), %ecx	# b
	movl	28(%esp), %edx	# c
	movl	32(%esp), %esi	# d
	movl	36(%esp), %edi	# e
	int	$0x80		# trap to the kernel; result in EAX
	popl	%edi		# restore our caller's registers
	popl	%esi
	popl	%ebx
	ret

	.section .note.GNU-stack, "", @progbits
