/*
 * stack_protector.c - the kernel side of -fstack-protector-strong.
 *
 * gcc puts a copy of __stack_chk_guard (the "canary") between a
 * function's local arrays and its saved registers and return address,
 * and checks it before returning: a buffer overflow that reached the
 * return address has changed the canary on its way, and the function
 * calls __stack_chk_fail instead of returning into the attacker's (or
 * the bug's) address. -mstack-protector-guard=global makes gcc use this
 * one variable rather than Linux's %gs-relative, per-thread copy.
 *
 * The guard is set once at boot, from the time-stamp counter, before any
 * function that checks it returns (stack_guard_init is the first call in
 * kmain, and kmain never returns).
 */
#include <stdint.h>

#include "panic.h"
#include "lib/stack_protector.h"
#include "x86/io.h"

uintptr_t __stack_chk_guard = 0x0badc0deu & ~0xFFu;

void __attribute__((no_stack_protector)) stack_guard_init(void)
{
	uint64_t t = rdtsc();
	uint32_t g = (uint32_t)t ^ (uint32_t)(t >> 32) * 0x9E3779B9u;

	/* A zero low byte: a string overflow (strcpy) cannot write it. */
	__stack_chk_guard = (g ^ 0x0badc0deu) & ~0xFFu;
	if (__stack_chk_guard == 0)
		__stack_chk_guard = 0x0badc000u;
}

void __stack_chk_fail(void) __attribute__((noreturn));

void __stack_chk_fail(void)
{
	panic("stack smashing detected (return address %p)",
	      __builtin_return_address(0));
}
