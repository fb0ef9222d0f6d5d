/*
 * crt0.S - where every user program starts.
 *
 * The kernel's exec enters user mode at _start (the ELF entry point, see
 * user.ld) with the stack it built:
 *
 *	(%esp)	argc
 *	4(%esp)	argv: pointer to argv[0..argc-1], then NULL
 *
 * _start turns that into the C call main(argc, argv) and passes main's
 * return value to exit(), so that `return 3;` in main means exit(3).
 */

	.text
	.globl	_start
_start:
	xorl	%ebp, %ebp	# no caller: a zero frame pointer ends backtraces
	movl	(%esp), %eax	# eax = argc
	movl	4(%esp), %ecx	# ecx = argv
	andl	$-16, %esp	# gcc expects %esp 16-byte aligned at each call
	subl	$8, %esp	# 8 bytes of padding + the two pushes below = 16
	pushl	%ecx		# second argument of main: argv
	pushl	%eax		# first argument of main: argc
	call	main		# eax = main(argc, argv)
	movl	%eax, (%esp)	# reuse the argc slot: the argument of exit
	call	exit		# exit(eax) does not return ...
1:	jmp	1b		# ... but if it ever did, stay here, do not run off

	/* The stack holds data only: tell the linker it need not be executable. */
	.section .note.GNU-stack, "", @progbits
