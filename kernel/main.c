/*
 * main.c - from the boot loader's jump to a running kernel.
 *
 * boot/boot.S turns on paging and calls kmain() on a small boot stack.
 * kmain brings up the pieces in dependency order (each step may use only
 * what came before it), then moves to a kernel stack with a guard page
 * and continues in kmain_late().
 */
#include "bootinfo.h"
#include "console.h"
#include "ktest.h"
#include "panic.h"
#include "file.h"
#include "proc.h"
#include "lib/string.h"
#include <mica/syscall.h>
#include "sched.h"
#include "task.h"
#include "time.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/stack_protector.h"
#include "mm/frame.h"
#include "mm/kstack.h"
#include "mm/memory.h"
#include "x86/devices.h"
#include "x86/io.h"
#include "x86/pic.h"
#include "x86/pit.h"
#include "x86/segment.h"
#include "x86/trap.h"

static void kmain_late(void) __attribute__((noreturn));

static void banner(void)
{
	printk("\nmica %s - a Mach-style teaching microkernel for i386\n",
	       MICA_VERSION);
	printk("memory: %u MiB usable (%u free frames of 4 KiB)\n",
	       (unsigned)(boot_info.usable_bytes >> 20),
	       (unsigned)frame_free_count());
	printk("loader: %s\n", boot_info.loader[0] ? boot_info.loader : "?");
	printk("cmdline: %s\n", cmdline_raw());
	printk(
	    "timer: %u Hz; scheduler: %s, quantum %u ticks, up to %u tasks\n",
	    hz, policy->name, sched_quantum, max_tasks);
	printk("In QEMU's terminal, Ctrl-A then x quits.\n");
}

/* Switch to a guarded kernel stack and continue there; never returns. */
static void __attribute__((noreturn))
run_on_stack(void *stack, void (*fn)(void))
{
	uintptr_t top = (uintptr_t)stack + KSTACK_SIZE;

	asm volatile("movl %0, %%esp\n\t"
		     "xorl %%ebp, %%ebp\n\t" /* end of every backtrace */
		     "call *%1"
		     :
		     : "r"(top), "r"(fn)
		     : "memory");
	__builtin_unreachable();
}

static void *boot_kstack;

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	stack_guard_init(); /* first: before any checked function returns */
	console_init();
	multiboot_parse(magic, mbi_phys);
	if (cmdline_parse(boot_info.cmdline) < 0)
		printk("warning: kernel command line truncated\n");
	mm_init();
	gdt_init();
	idt_init();
	pic_init();

	boot_kstack = kstack_alloc();
	if (!boot_kstack)
		panic("no memory for the first kernel stack");
	run_on_stack(boot_kstack, kmain_late);
}

/* Echo typed characters until the shell (a later issue) takes over. */
static void echo_loop(void)
{
	printk("Type and mica echoes (input is interrupt-driven).\n> ");
	for (;;) {
		char c = console_getc(); /* sleeps until a key arrives */

		if (c == '\b') {
			console_write("\b \b", 3);
		} else {
			console_write(&c, 1);
			if (c == '\n')
				console_write("> ", 2);
		}
	}
}

/*
 * Build init's argv: "init"; or "init test <names>" for utest=<names>;
 * or "init run <program> <args>" for run=<program>,<args> (run one program
 * instead of the shell, dump the trace, power off: make trace uses it).
 */
static int init_args(const char *argv[], int max)
{
	static char names[BOOT_CMDLINE_MAX];
	const char *utest = cmdline_get("utest");
	const char *run = cmdline_get("run");
	int argc = 0;

	argv[argc++] = "init";
	if (!utest && !run)
		return argc;
	argv[argc++] = utest ? "test" : "run";
	strlcpy(names, utest ? utest : run, sizeof names);
	for (char *p = names; *p && argc < max;) {
		argv[argc++] = p; /* names are separated by commas */
		while (*p && *p != ',')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return argc;
}

/*
 * pid 1: the first task. With test= it runs in-kernel tests; otherwise it
 * becomes the user program `init` from the initrd (which starts the
 * shell), or, with no initrd, echoes the console.
 */
static void kernel_init(void *arg)
{
	const char *test = cmdline_get("test");
	const char *argv[MICA_ARG_MAX];
	int err;

	(void)arg;
	if (test)
		ktest_main(test);
	err = proc_start_init(init_args(argv, MICA_ARG_MAX), argv);
	printk("init: cannot start /init from the initrd (error %d)\n", err);
	echo_loop();
}

static void kmain_late(void)
{
	sched_init(boot_kstack); /* from here on we are the idle task */
	tasks_init();
	time_init(cmdline_get_int("hz", HZ_DEFAULT, HZ_MIN, HZ_MAX));
	serial_enable_input();
	kbd_init();
	banner();
	files_init();
	if (!kthread_create(kernel_init, NULL, "init"))
		panic("cannot create the init task");
	/*
	 * The idle loop: sleep until an interrupt. The timer interrupt's way
	 * out (sched_preempt_point) switches to init as soon as it is ready,
	 * and back here whenever no task is.
	 */
	for (;;)
		sti_hlt();
}
