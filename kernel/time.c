/*
 * time.c - kernel time: a tick counter advanced by the timer interrupt.
 *
 * Each tick also drives the scheduler: accounting, timed sleeps, and the
 * quantum that ends in a preemption (sched_tick).
 */
#include "time.h"
#include "sched.h"
#include "x86/pit.h"
#include "x86/trap.h"

volatile uint32_t jiffies;
unsigned hz = HZ_DEFAULT;

void time_init(unsigned ticks_per_second)
{
	hz = ticks_per_second;
	pit_init(hz);
}

void timer_interrupt(struct trap_frame *tf)
{
	jiffies++;
	sched_tick(trap_from_user(tf));
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
