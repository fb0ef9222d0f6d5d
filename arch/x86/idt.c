/*
 * idt.c - the interrupt descriptor table.
 *
 * One gate per vector, each pointing at its stub in entry.S. Gate formats
 * are from the Intel SDM vol. 3A, 6.11.
 */
#include "x86/trap.h"
#include "x86/segment.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* present, DPL, gate type */
	uint16_t offset_high;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 32-bit interrupt gate */
#define GATE_TASK      0x85 /* present, DPL 0, task gate */
#define GATE_DPL3      0x60 /* may be raised by `int n` from ring 3 */

extern const uint32_t trap_vectors[]; /* entry.S: 0..47, then 0x80 */

static struct idt_gate idt[256];

static void set_gate(int vec, uint32_t handler, uint16_t sel, uint8_t attr)
{
	idt[vec].offset_low = handler & 0xFFFF;
	idt[vec].selector = sel;
	idt[vec].zero = 0;
	idt[vec].type_attr = attr;
	idt[vec].offset_high = handler >> 16;
}

void idt_init(void)
{
	/*
	 * Interrupt gates (not trap gates) everywhere: the CPU clears IF on
	 * entry, so a handler is never interrupted before it chooses to be.
	 */
	for (int v = 0; v < IRQ_BASE + NR_IRQS; v++)
		set_gate(v, trap_vectors[v], KERNEL_CS, GATE_INTERRUPT);

	/* The system call is the one gate ring 3 may use with `int`. */
	set_gate(T_SYSCALL, trap_vectors[IRQ_BASE + NR_IRQS], KERNEL_CS,
		 GATE_INTERRUPT | GATE_DPL3);

	/* Double fault: switch to a fresh task and stack (see gdt.c). */
	set_gate(T_DOUBLE_FAULT, 0, DF_TSS_SEL, GATE_TASK);

	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof idt - 1, (uint32_t)idt};

	asm volatile("lidt %0" : : "m"(idtr));
}
