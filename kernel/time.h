/* time.h - the tick counter driven by the timer interrupt. */
#ifndef MICA_TIME_H
#define MICA_TIME_H

#include <stdint.h>

struct trap_frame;

#define HZ_DEFAULT 100

extern volatile uint32_t jiffies; /* timer ticks since boot */
extern unsigned hz;		  /* ticks per second (hz= on the cmdline) */

void time_init(unsigned ticks_per_second);
void timer_interrupt(struct trap_frame *tf);
uint32_t ms_to_ticks(uint32_t ms);
uint32_t uptime_ms(void);

/* True if tick a is after tick b, even across the counter's wrap. */
#define time_after(a, b) ((int32_t)((b) - (a)) < 0)

#endif
