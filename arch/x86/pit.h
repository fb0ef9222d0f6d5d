/* pit.h - the interval timer that drives the scheduler tick. */
#ifndef MICA_X86_PIT_H
#define MICA_X86_PIT_H

#define HZ_MIN 19 /* the 16-bit divisor cannot go slower */
#define HZ_MAX 10000

void pit_init(unsigned hz);

#endif
