/*
 * pic.c - the 8259A interrupt controllers (a master and a slave on IRQ 2).
 *
 * At power-on the master delivers IRQs 0-7 as vectors 8-15, which collide
 * with CPU exceptions (vector 8 is the double fault). We remap IRQ 0-15 to
 * vectors 32-47.
 */
#include "x86/pic.h"
#include "x86/io.h"
#include "x86/trap.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT     0x11 /* initialise, ICW4 follows, cascade mode */
#define ICW4_8086     0x01
#define OCW2_EOI      0x20 /* end of interrupt */
#define OCW3_READ_ISR 0x0B

static uint16_t irq_mask = 0xFFFF & ~(1 << 2); /* only the cascade line */

static void pic_write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xFF);
	outb(PIC2_DATA, irq_mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT);
	io_wait();
	outb(PIC1_DATA, IRQ_BASE); /* ICW2: master's first vector */
	io_wait();
	outb(PIC2_DATA, IRQ_BASE + 8); /* ICW2: slave's first vector */
	io_wait();
	outb(PIC1_DATA, 1 << 2); /* ICW3: a slave hangs on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 2); /* ICW3: the slave's cascade identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	pic_write_mask();
}

void pic_unmask(int irq)
{
	irq_mask &= ~(1u << irq);
	pic_write_mask();
}

void pic_mask(int irq)
{
	irq_mask |= 1u << irq;
	pic_write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

/*
 * IRQ 7 and 15 also arrive when a request went away before the CPU took
 * it. The in-service register then has no bit set, and no EOI is due
 * (except to the master for a spurious IRQ 15, which it did see).
 */
bool pic_is_spurious(int irq)
{
	uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;

	if (irq != 7 && irq != 15)
		return false;
	outb(cmd, OCW3_READ_ISR);
	if (inb(cmd) & 0x80)
		return false;
	if (irq == 15)
		outb(PIC1_CMD, OCW2_EOI);
	return true;
}
