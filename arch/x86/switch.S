/*
 * switch.S - the context switch: from one task's kernel stack to another's.
 *
 *     void switch_to(struct task_struct *prev, struct task_struct *next);
 *
 * Called only by context_switch() (kernel/sched.c), which has already
 * pointed the TSS at next's kernel stack and loaded next's page directory.
 *
 * Why so little is saved: switch_to is an ordinary C call. The System V
 * i386 ABI lets a called function clobber eax, ecx and edx, so the caller
 * has already saved whatever it needed in them. The other registers (ebx,
 * esi, edi, ebp) must look untouched when we return, and esp must come
 * back too. The program counter is the return address that `call
 * switch_to` pushed. So a task's whole CPU context, while it is not
 * running, is four pushes and a return address on its own kernel stack,
 * and the PCB needs only the stack pointer (task_struct.esp, at offset 0).
 *
 * The frame below must match the one task_setup_stack() (kernel/task.c)
 * builds for a task that has never run:
 *
 *        higher addresses
 *     |  return address  |  <- where `ret` goes: into schedule(), or,
 *     |  saved ebp       |     for a new task, task_trampoline
 *     |  saved ebx       |
 *     |  saved esi       |
 *     |  saved edi       |  <- task_struct.esp points here
 *        lower addresses
 *
 * To watch a switch in GDB: `break switch_to`, then `stepi` through it and
 * `info registers esp` before and after the `movl (%edx), %esp` line.
 */
#define TASK_ESP 0	/* offsetof(struct task_struct, esp), checked in task.c */

	.text
	.global switch_to
switch_to:
	movl	4(%esp), %eax		# eax = prev (first argument)
	movl	8(%esp), %edx		# edx = next (second argument)

	pushl	%ebp			# save prev's callee-saved registers
	pushl	%ebx			#   on prev's own kernel stack
	pushl	%esi
	pushl	%edi

	movl	%esp, TASK_ESP(%eax)	# prev->esp = esp: prev is now frozen
	movl	TASK_ESP(%edx), %esp	# esp = next->esp: we are on next's stack

	popl	%edi			# restore next's callee-saved registers,
	popl	%esi			#   pushed when next was switched away
	popl	%ebx			#   from (or built by task_setup_stack)
	popl	%ebp

	ret				# pop next's return address: next runs

/*
 * A new task's first switch_to "returns" here (task_setup_stack put this
 * address where a return address would be). We are now running as the new
 * task, with interrupts still off from the scheduler: task_start() turns
 * them on and calls the task's entry function.
 */
	.global task_trampoline
task_trampoline:
	call	task_start		# never returns: the task exits instead
1:	hlt
	jmp	1b
