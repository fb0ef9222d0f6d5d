/*
 * pit.c - the 8253/8254 programmable interval timer, channel 0 on IRQ 0.
 *
 * The PIT counts down from a divisor at 1.193182 MHz and raises IRQ 0 each
 * time it wraps, so the tick rate is 1193182 / divisor.
 */
#include "x86/pit.h"
#include "x86/io.h"
#include "x86/pic.h"
#include "x86/trap.h"
#include "time.h"

#define PIT_FREQ  1193182
#define PIT_CH0	  0x40
#define PIT_CMD	  0x43
#define PIT_MODE2 0x34 /* channel 0, lobyte/hibyte, rate generator */

static void pit_irq(struct trap_frame *tf)
{
	timer_interrupt(tf);
}

void pit_init(unsigned hz)
{
	uint32_t divisor = PIT_FREQ / hz;

	outb(PIT_CMD, PIT_MODE2);
	outb(PIT_CH0, divisor & 0xFF);
	outb(PIT_CH0, divisor >> 8);
	irq_register(0, pit_irq);
}
