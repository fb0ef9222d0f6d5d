/*
 * ktest.h - in-kernel tests, run when mica boots with test=<name|all|list>.
 *
 *     KTEST(heap_returns_memory) {
 *             void *p = kmalloc(100);
 *             KEXPECT(p != NULL);
 *             ...
 *     }
 *
 * A test that must end in a panic (the stack guard, say) names a piece of
 * the expected message; it passes only if the kernel panics with it:
 *
 *     KTEST_PANICS(stack_overflow_panics, "kernel stack overflow") { ... }
 *
 * Each test prints "ktest: <name>: PASS" or "ktest: <name>: FAIL (...)";
 * tools/runtests.py boots one QEMU per test and reads that line.
 */
#ifndef MICA_KTEST_H
#define MICA_KTEST_H

#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	const char *expect_panic; /* NULL, or part of the expected message */
};

#define KTEST_DEFINE(name_, panic_)                                            \
	static void ktest_fn_##name_(void);                                    \
	static const struct ktest ktest_##name_                                \
	    __attribute__((section(".ktests"), used, aligned(4))) = {          \
		#name_, ktest_fn_##name_, panic_};                             \
	static void ktest_fn_##name_(void)

#define KTEST(name)		KTEST_DEFINE(name, 0)
#define KTEST_PANICS(name, msg) KTEST_DEFINE(name, msg)

void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define KEXPECT(cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, "%s", #cond);           \
	} while (0)

#define KEXPECT_EQ(a, b)                                                       \
	do {                                                                   \
		long long ktest_a_ = (long long)(a);                           \
		long long ktest_b_ = (long long)(b);                           \
		if (ktest_a_ != ktest_b_)                                      \
			ktest_fail(__FILE__, __LINE__,                         \
				   "%s == %s (%lld != %lld)", #a, #b,          \
				   ktest_a_, ktest_b_);                        \
	} while (0)

/* Leak check: free frames, heap bytes and kernel stacks as before. */
struct mem_usage;
void ktest_expect_no_leak(const struct mem_usage *before, const char *file,
			  int line);
#define KEXPECT_NO_LEAK(before) ktest_expect_no_leak(before, __FILE__, __LINE__)

void ktest_main(const char *which) __attribute__((noreturn));
void ktest_on_panic(const char *msg);
int ktest_running(void);

#endif
