/*
 * entry.S - every interrupt, exception and system call enters here.
 *
 * The IDT points each vector at a three-instruction stub below. The stub
 * makes every vector look alike (an error code, then the vector number, on
 * the stack) and jumps to trap_common, which saves the rest of the
 * registers as a struct trap_frame (arch/x86/trap.h) and calls C.
 *
 * Students: put a breakpoint on trap_common and `x/20x $esp` to see the
 * frame being built, one push at a time.
 */
#include "x86/segment.h"

/* Exceptions 8, 10-14, 17 and 21 push an error code; the others do not. */
.macro VECTOR num, has_error=0
	.text
vector\num:
	.if \has_error == 0
	pushl	$0			# a dummy error code keeps frames alike
	.endif
	pushl	$\num			# which vector this is
	jmp	trap_common
	.section .rodata
	.long	vector\num		# entry \num of trap_vectors[]
.endm

	.section .rodata
	.align 4
	.global trap_vectors
trap_vectors:
	VECTOR 0
	VECTOR 1
	VECTOR 2
	VECTOR 3
	VECTOR 4
	VECTOR 5
	VECTOR 6
	VECTOR 7
	VECTOR 8, 1
	VECTOR 9
	VECTOR 10, 1
	VECTOR 11, 1
	VECTOR 12, 1
	VECTOR 13, 1
	VECTOR 14, 1
	VECTOR 15
	VECTOR 16
	VECTOR 17, 1
	VECTOR 18
	VECTOR 19
	VECTOR 20
	VECTOR 21, 1
	VECTOR 22
	VECTOR 23
	VECTOR 24
	VECTOR 25
	VECTOR 26
	VECTOR 27
	VECTOR 28
	VECTOR 29
	VECTOR 30
	VECTOR 31
	/* The 16 hardware interrupts, remapped by pic.c to 32..47. */
	VECTOR 32
	VECTOR 33
	VECTOR 34
	VECTOR 35
	VECTOR 36
	VECTOR 37
	VECTOR 38
	VECTOR 39
	VECTOR 40
	VECTOR 41
	VECTOR 42
	VECTOR 43
	VECTOR 44
	VECTOR 45
	VECTOR 46
	VECTOR 47
	VECTOR 128			# int $0x80: the system call

	.text
	.global trap_common, trap_return
trap_common:
	pushal				# eax, ecx, edx, ebx, esp, ebp, esi, edi
	pushl	%ds			# the interrupted code's data segments
	pushl	%es
	pushl	%fs
	pushl	%gs
	movw	$KERNEL_DS, %ax		# from here on, use the kernel's segments
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	pushl	%esp			# argument: a pointer to the trap frame
	call	trap_dispatch		# C decides what this trap means
	addl	$4, %esp		# drop the argument
trap_return:				# a new task's first return also lands here
	popl	%gs			# restore what trap_common saved ...
	popl	%fs
	popl	%es
	popl	%ds
	popal
	addl	$8, %esp		# ... drop the vector and the error code ...
	iret				# ... and let the CPU restore eip, cs, eflags

/*
 * void user_enter(struct trap_frame *tf): start running user code for
 * the first time, by pretending to return from a trap with frame *tf.
 */
	.global user_enter
user_enter:
	movl	4(%esp), %esp		# the frame becomes the stack ...
	jmp	trap_return		# ... and trap_return pops it into ring 3

/*
 * A new user task (fork, spawn) starts here: its first switch_to returns
 * to this address, with its trap frame just above on the stack. It makes
 * the same checks as any return to user mode (it may have been killed or
 * suspended before it ever ran), then leaves through trap_return.
 */
	.global ret_from_fork
ret_from_fork:
	call	return_to_user		# may not return: killed before it ran
	jmp	trap_return		# pop the trap frame into ring 3
