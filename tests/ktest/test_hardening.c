/*
 * test_hardening.c - the kernel's own sanitizers work: the stack
 * protector catches a smashed buffer, and (in a UBSAN=1 kernel) UBSan
 * reports undefined behaviour.
 */
#include "ktest.h"
#include "lib/stack_protector.h"
#include "lib/ubsan.h"
#include "lib/printk.h"

/* Write n bytes at p; out of line, so gcc cannot see the overflow. */
static void __attribute__((noinline)) fill(volatile char *p, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = 'A';
}

/* A local buffer overflowed by 16 bytes: over the canary above it. */
static void __attribute__((noinline)) smash_my_stack(void)
{
	char buf[16];

	fill(buf, sizeof buf + 16);
	asm volatile("" : : "r"(buf) : "memory");
}

KTEST_PANICS(stack_smash_panics, "stack smashing detected")
{
	KEXPECT(__stack_chk_guard != 0);
	smash_my_stack();
}

KTEST(stack_guard_is_random)
{
	KEXPECT(__stack_chk_guard != 0);
	KEXPECT_EQ(__stack_chk_guard & 0xFF, 0); /* stops string overflows */
	KEXPECT(__stack_chk_guard != (0x0badc0deu & ~0xFFu));
}

/*
 * Run by the runner's UBSan boot check only (meta_: not in test=all):
 * one signed overflow must give exactly one report, with this file and
 * line. In a kernel without UBSAN=1 nothing is reported.
 */
static volatile int big = 0x7FFFFFFF;

KTEST(meta_ubsan_selftest)
{
	unsigned before = ubsan_reports();
	volatile int r = big + 1; /* undefined: signed overflow */

	(void)r;
	printk("ktest: meta_ubsan_selftest: %u report(s)\n",
	       ubsan_reports() - before);
}
