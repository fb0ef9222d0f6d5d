/*
 * trap.h - the trap frame: the registers of whatever was interrupted.
 *
 * entry.S builds it on the kernel stack, from the bottom up: the CPU pushes
 * eip, cs, eflags (and esp, ss when it came from ring 3), the vector stub
 * pushes an error code and the vector number, then trap_common pushes the
 * general registers and the data segments. The fields are listed here in
 * the opposite order, because the stack grows down.
 */
#ifndef MICA_X86_TRAP_H
#define MICA_X86_TRAP_H

#include <stdint.h>

struct trap_frame {
	/* Pushed by trap_common. */
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pusha */
	/* Pushed by the vector stub. */
	uint32_t vector;
	uint32_t error; /* the CPU's error code, or 0 */
	/* Pushed by the CPU. */
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss; /* only on a trap from ring 3 */
};

#define T_DIVIDE	0 /* divide error */
#define T_DEBUG		1
#define T_NMI		2
#define T_BREAKPOINT	3
#define T_OVERFLOW	4
#define T_BOUND		5
#define T_INVALID_OP	6
#define T_NO_FPU	7
#define T_DOUBLE_FAULT	8
#define T_INVALID_TSS	10
#define T_NO_SEGMENT	11
#define T_STACK_FAULT	12
#define T_GPF		13 /* general protection */
#define T_PAGE_FAULT	14
#define T_FPU_ERROR	16
#define T_ALIGNMENT	17
#define T_MACHINE_CHECK 18
#define T_SIMD		19

#define IRQ_BASE  32 /* the PIC delivers IRQ n as vector 32 + n */
#define NR_IRQS	  16
#define T_SYSCALL 0x80

static inline int trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

typedef void (*irq_handler_t)(struct trap_frame *tf);

void idt_init(void);
void irq_register(int irq, irq_handler_t handler);
void trap_dispatch(struct trap_frame *tf);
const char *trap_name(uint32_t vector);
void trap_dump(const struct trap_frame *tf);

#endif
