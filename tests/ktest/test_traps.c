/*
 * test_traps.c - in-kernel tests of the trap path: exceptions in the
 * kernel panic with the right name, interrupts arrive, the timer ticks,
 * and typed characters are queued.
 */
#include "ktest.h"
#include "console.h"
#include "time.h"
#include "panic.h"
#include "lib/ksyms.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "x86/io.h"

KTEST_PANICS(divide_error_panics, "unhandled divide error in the kernel")
{
	/* In asm: gcc turns 1 / x into compares, which do not fault. */
	asm volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
}

KTEST_PANICS(invalid_opcode_panics, "unhandled invalid opcode in the kernel")
{
	asm volatile("ud2");
}

KTEST_PANICS(breakpoint_panics, "unhandled breakpoint in the kernel")
{
	asm volatile("int3");
}

KTEST_PANICS(assert_panics_with_location, "assertion failed: 1 + 1 == 3")
{
	assert(1 + 1 == 3);
}

KTEST(timer_ticks_advance)
{
	uint32_t start = jiffies;

	KEXPECT(read_eflags() & EFLAGS_IF); /* tests run with interrupts on */
	/* hlt sleeps until the next interrupt: here, mostly timer ticks. */
	while (jiffies - start < 10)
		hlt();
	KEXPECT(jiffies - start >= 10);
	KEXPECT_EQ(hz, HZ_DEFAULT);
	KEXPECT_EQ(ms_to_ticks(10), 1);
	KEXPECT_EQ(ms_to_ticks(1), 1);
	KEXPECT_EQ(ms_to_ticks(0), 0);
	KEXPECT_EQ(ms_to_ticks(1000), hz);
}

KTEST(console_input_is_queued_in_order)
{
	char typed[] = "ab\rc\x7f";
	const int expect[] = {'a', 'b', '\n', 'c', '\b', -1};

	cli(); /* the queue is shared with the interrupt handlers */
	while (console_getc_nonblock() >= 0)
		;
	for (int i = 0; typed[i]; i++)
		console_input(typed[i]);
	for (int i = 0; i < 6; i++)
		KEXPECT_EQ(console_getc_nonblock(), expect[i]);
	/* A full queue drops further input rather than overwriting. */
	for (int i = 0; i < CONSOLE_INPUT_SIZE + 10; i++)
		console_input('0' + i % 10);
	for (int i = 0; i < CONSOLE_INPUT_SIZE; i++)
		KEXPECT_EQ(console_getc_nonblock(), '0' + i % 10);
	KEXPECT_EQ(console_getc_nonblock(), -1);
	sti();
}

KTEST(backtrace_symbols_resolve)
{
	uintptr_t off = 99;
	const char *name = ksym_lookup((uintptr_t)kmalloc + 3, &off);

	KEXPECT(name != NULL && strcmp(name, "kmalloc") == 0);
	KEXPECT_EQ(off, 3);
	name = ksym_lookup((uintptr_t)panic, &off);
	KEXPECT(name != NULL && strcmp(name, "panic") == 0);
	KEXPECT_EQ(off, 0);
	KEXPECT(ksym_lookup(0x1000, &off) == NULL);
}

/* Used by tools/runtests.py to check that it reports panics and hangs. */
KTEST(meta_unexpected_panic)
{
	panic("meta: a deliberate panic the runner must report");
}

KTEST(meta_hang)
{
	cli();
	for (;;)
		hlt();
}
