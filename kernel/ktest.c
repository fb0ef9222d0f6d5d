/*
 * ktest.c - find and run the in-kernel tests (see ktest.h).
 *
 * The linker gathers every struct ktest into the .ktests section, between
 * __ktests_start and __ktests_end, so a test registers itself by existing.
 */
#include <stdarg.h>

#include "check.h"
#include "ktest.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/memory.h"
#include "x86/devices.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *current;
static int failures;

int ktest_running(void)
{
	return current != 0;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	printk("ktest: %s: check failed at %s:%d: %s\n",
	       current ? current->name : "?", file, line, what);
	failures++;
}

void ktest_expect_no_leak(const struct mem_usage *before, const char *file,
			  int line)
{
	struct mem_usage now;

	mem_usage(&now);
	if (now.free_frames != before->free_frames)
		ktest_fail(file, line, "free frames %u, baseline %u",
			   (unsigned)now.free_frames,
			   (unsigned)before->free_frames);
	if (now.heap_bytes != before->heap_bytes)
		ktest_fail(file, line, "heap bytes %u, baseline %u",
			   (unsigned)now.heap_bytes,
			   (unsigned)before->heap_bytes);
	if (now.kstacks != before->kstacks)
		ktest_fail(file, line, "kernel stacks %u, baseline %u",
			   now.kstacks, before->kstacks);
}

/* Run one test and report it; returns 1 if it failed. */
static int run_one(const struct ktest *t)
{
	current = t;
	failures = 0;
	printk("ktest: %s: start\n", t->name);
	t->fn();
	/* The kernel must be consistent after every test (kernel/check.c). */
	if (kernel_check() != 0)
		ktest_fail(__FILE__, __LINE__, "kernel_check() found problems");
	if (t->expect_panic) {
		printk("ktest: %s: FAIL (expected a panic containing \"%s\")\n",
		       t->name, t->expect_panic);
		failures++;
	} else if (failures) {
		printk("ktest: %s: FAIL (%d failed checks)\n", t->name,
		       failures);
	} else {
		printk("ktest: %s: PASS\n", t->name);
	}
	current = 0;
	return failures != 0;
}

static const struct ktest *find(const char *name)
{
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return 0;
}

void ktest_main(const char *which)
{
	int failed = 0, ran = 0;

	if (strcmp(which, "list") == 0) {
		for (const struct ktest *t = __ktests_start; t < __ktests_end;
		     t++)
			printk("ktest-list: %s\n", t->name);
		printk("ktest-list: end\n");
		qemu_exit(0);
	}
	if (strcmp(which, "all") == 0) {
		/*
		 * Panic tests end the boot, and meta_ tests exist to fail (the
		 * runner checks it notices), so `all` runs only the others.
		 */
		for (const struct ktest *t = __ktests_start; t < __ktests_end;
		     t++) {
			if (t->expect_panic ||
			    strncmp(t->name, "meta_", 5) == 0)
				continue;
			failed += run_one(t);
			ran++;
		}
	} else if (find(which)) {
		failed = run_one(find(which));
		ran = 1;
	} else {
		printk("ktest: no test named '%s' (test=list shows them)\n",
		       which);
		qemu_exit(1);
	}
	printk("ktest: done: %d passed, %d failed\n", ran - failed, failed);
	qemu_exit(failed ? 1 : 0);
}

/* Called by panic(): a panic ends the test, as a pass only if expected. */
void ktest_on_panic(const char *msg)
{
	const struct ktest *t = current;

	if (!t)
		return;
	if (t->expect_panic && strstr(msg, t->expect_panic)) {
		printk("ktest: %s: PASS (panicked as expected)\n", t->name);
		qemu_exit(0);
	}
	printk("ktest: %s: FAIL (panic: %s)\n", t->name, msg);
	qemu_exit(1);
}
