/*
 * panic.c - the kernel's last words.
 *
 * A panic prints why, the registers (for a trap), and a backtrace with
 * function names, then stops the machine. Under a test (test= on the
 * command line) it ends the QEMU run instead, so the test runner sees the
 * failure at once rather than waiting for its timeout.
 */
#include <stdarg.h>

#include "panic.h"
#include "ktest.h"
#include "lib/cmdline.h"
#include "lib/ksyms.h"
#include "lib/printk.h"
#include "x86/devices.h"
#include "x86/io.h"
#include "x86/paging.h"
#include "x86/trap.h"

#define BACKTRACE_MAX 24

static int panicking;

/*
 * Walk the chain of saved frame pointers. Every function compiled with
 * frame pointers starts with "push %ebp; mov %esp, %ebp", so [ebp] holds
 * the caller's ebp and [ebp + 4] the return address into the caller.
 */
void backtrace(uintptr_t eip, uintptr_t ebp)
{
	printk("backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_MAX; depth++) {
		uintptr_t off = 0;
		const char *name = ksym_lookup(eip, &off);

		printk("  [<%08x>] %s+0x%x\n", eip, name ? name : "?", off);
		if (ebp == 0 || (ebp & 3) || !kernel_addr_mapped(ebp) ||
		    !kernel_addr_mapped(ebp + 7))
			break;
		eip = ((uintptr_t *)ebp)[1];
		ebp = ((uintptr_t *)ebp)[0];
		if (eip == 0)
			break;
		eip -= 1; /* point into the call instruction, not after it */
	}
}

static void panic_finish(const char *msg) __attribute__((noreturn));

static void panic_finish(const char *msg)
{
	ktest_on_panic(msg); /* returns only when no test is running */
	/* Booted to run user tests or one program: end the QEMU run with a
	 * failure now, so the runner need not wait for its timeout. */
	if (cmdline_has("utest") || cmdline_has("run"))
		qemu_exit(1);
	printk("System halted.\n");
	machine_halt();
}

static void panic_begin(char *msg, size_t size, const char *fmt, va_list ap)
{
	cli();
	if (panicking++) {
		printk("\nPANIC while panicking: %s\n", fmt);
		machine_halt();
	}
	vsnprintf(msg, size, fmt, ap);
	printk("\nPANIC: %s\n", msg);
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	uintptr_t ebp;

	va_start(ap, fmt);
	panic_begin(msg, sizeof msg, fmt, ap);
	va_end(ap);
	asm volatile("movl %%ebp, %0" : "=r"(ebp));
	backtrace((uintptr_t)__builtin_return_address(0) - 1,
		  ((uintptr_t *)ebp)[0]);
	panic_finish(msg);
}

void panic_trap(const struct trap_frame *tf, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	panic_begin(msg, sizeof msg, fmt, ap);
	va_end(ap);
	trap_dump(tf);
	backtrace(tf->eip, tf->ebp);
	panic_finish(msg);
}
