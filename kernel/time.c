/*
 * time.c - kernel time: a tick counter advanced by the timer interrupt.
 *
 * The scheduler (a later issue) hangs its preemption off timer_interrupt().
 */
#include "time.h"
#include "x86/pit.h"

volatile uint32_t jiffies;
unsigned hz = HZ_DEFAULT;

void time_init(unsigned ticks_per_second)
{
	hz = ticks_per_second;
	pit_init(hz);
}

void timer_interrupt(struct trap_frame *tf)
{
	(void)tf;
	jiffies++;
}

/* Round up, so that a sleep of 1 ms waits at least one tick. */
uint32_t ms_to_ticks(uint32_t ms)
{
	return (uint32_t)(((uint64_t)ms * hz + 999) / 1000);
}

uint32_t uptime_ms(void)
{
	return (uint32_t)((uint64_t)jiffies * 1000 / hz);
}
