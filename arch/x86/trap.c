/*
 * trap.c - decide what a trap means: a device interrupt, a fault, or (in
 * the user-tasks issue) a system call. entry.S calls trap_dispatch() with
 * the frame it built; whatever we return to is resumed by trap_return.
 */
#include "x86/trap.h"
#include "x86/pic.h"
#include "x86/io.h"
#include "x86/paging.h"
#include "lib/printk.h"
#include "panic.h"
#include "sched.h"
#include "syscall.h"
#include "proc.h"
#include "task.h"
#include "mm/vm.h"
#include "ipc/ipc.h"
#include <mica/syscall.h>

static irq_handler_t irq_handlers[NR_IRQS];

static const char *const exception_names[32] = {
    [T_DIVIDE] = "divide error",
    [T_DEBUG] = "debug",
    [T_NMI] = "non-maskable interrupt",
    [T_BREAKPOINT] = "breakpoint",
    [T_OVERFLOW] = "overflow",
    [T_BOUND] = "bound range exceeded",
    [T_INVALID_OP] = "invalid opcode",
    [T_NO_FPU] = "device not available",
    [T_DOUBLE_FAULT] = "double fault",
    [9] = "coprocessor segment overrun",
    [T_INVALID_TSS] = "invalid TSS",
    [T_NO_SEGMENT] = "segment not present",
    [T_STACK_FAULT] = "stack-segment fault",
    [T_GPF] = "general protection fault",
    [T_PAGE_FAULT] = "page fault",
    [T_FPU_ERROR] = "x87 floating-point error",
    [T_ALIGNMENT] = "alignment check",
    [T_MACHINE_CHECK] = "machine check",
    [T_SIMD] = "SIMD floating-point error",
    [20] = "virtualization exception",
    [21] = "control protection exception",
};

const char *trap_name(uint32_t vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector]
					       : "reserved exception";
	if (vector < IRQ_BASE + NR_IRQS)
		return "hardware interrupt";
	if (vector == T_SYSCALL)
		return "system call";
	return "unknown vector";
}

void irq_register(int irq, irq_handler_t handler)
{
	irq_handlers[irq] = handler;
	pic_unmask(irq);
}

static void irq_dispatch(struct trap_frame *tf)
{
	int irq = tf->vector - IRQ_BASE;

	if (pic_is_spurious(irq))
		return;
	/*
	 * Acknowledge first: the timer handler may switch to another task,
	 * and the PIC must not wait for us to come back before it delivers
	 * the next tick.
	 */
	pic_eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](tf);
}

/* What a fault in user mode kills the task with (its wait status). */
static int fault_reason(uint32_t vector)
{
	switch (vector) {
	case T_DIVIDE:
		return SIGFPE;
	case T_INVALID_OP:
		return SIGILL;
	case T_BREAKPOINT:
		return SIGTRAP;
	default:
		return SIGSEGV; /* page faults, protection faults, the rest */
	}
}

static void user_page_fault(struct trap_frame *tf)
{
	uint32_t addr = read_cr2();
	enum vm_fault why = mm_fault_in(current->mm, addr, tf->error & PFE_W);

	if (why == VM_OK)
		return; /* a stack page or a copy-on-write copy: go on */
	if (why == VM_STACK_OVF)
		proc_fault(tf, SIGSTKFLT, "stack overflow", addr);
	if (why == VM_NOMEM)
		proc_fault(tf, SIGSEGV, "page fault: out of memory", addr);
	proc_fault(tf, SIGSEGV,
		   tf->error & PFE_I   ? "page fault: execute"
		   : tf->error & PFE_W ? "page fault: write"
				       : "page fault: read",
		   addr);
}

/* A fault in ring 3 is the task's problem, never the kernel's. */
static void user_fault(struct trap_frame *tf)
{
	if (tf->vector == T_PAGE_FAULT) {
		user_page_fault(tf);
		return;
	}
	proc_fault(tf, fault_reason(tf->vector), trap_name(tf->vector),
		   tf->eip);
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + NR_IRQS)
		irq_dispatch(tf);
	else if (tf->vector == T_SYSCALL)
		syscall_dispatch(tf);
	else if (trap_from_user(tf))
		user_fault(tf);
	else if (tf->vector == T_PAGE_FAULT)
		page_fault(tf);
	else
		panic_trap(tf, "unhandled %s in the kernel",
			   trap_name(tf->vector));

	/*
	 * The way back to the interrupted code is the moment to preempt it:
	 * the tick may have ended its quantum, or a wakeup may have readied
	 * a more important task. And a task that was killed dies here,
	 * before it runs another user instruction. Only code that could
	 * have been interrupted is preempted: a page fault inside a system
	 * call (a copy from user memory, interrupts off) must return to it.
	 */
	if (trap_from_user(tf) || (tf->eflags & EFLAGS_IF))
		sched_preempt_point();
	if (trap_from_user(tf))
		return_to_user();
}

void trap_dump(const struct trap_frame *tf)
{
	printk("trap %u (%s), error code 0x%x, cr2 0x%08x\n", tf->vector,
	       trap_name(tf->vector), tf->error, read_cr2());
	printk("eip %08x  cs %04x  eflags %08x\n", tf->eip, tf->cs & 0xFFFF,
	       tf->eflags);
	printk("eax %08x  ebx %08x  ecx %08x  edx %08x\n", tf->eax, tf->ebx,
	       tf->ecx, tf->edx);
	printk("esi %08x  edi %08x  ebp %08x  esp %08x\n", tf->esi, tf->edi,
	       tf->ebp,
	       trap_from_user(tf) ? tf->user_esp : tf->esp_at_pusha + 20);
	printk("ds %04x  es %04x  fs %04x  gs %04x\n", tf->ds & 0xFFFF,
	       tf->es & 0xFFFF, tf->fs & 0xFFFF, tf->gs & 0xFFFF);
}
