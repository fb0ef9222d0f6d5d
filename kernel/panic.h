/* panic.h - stop the kernel with a message, registers and a backtrace. */
#ifndef MICA_PANIC_H
#define MICA_PANIC_H

#include <stdint.h>

struct trap_frame;

void panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void panic_trap(const struct trap_frame *tf, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void backtrace(uintptr_t eip, uintptr_t ebp);

#define assert(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			panic("assertion failed: %s at %s:%d", #cond,          \
			      __FILE__, __LINE__);                             \
	} while (0)

#endif
