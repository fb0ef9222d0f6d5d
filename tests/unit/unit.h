/*
 * unit.h - a tiny host unit-test harness for mica's pure kernel code.
 *
 * Each test file defines tests with UNIT_TEST(name) { ... } and checks with
 * CHECK(cond) / CHECK_EQ(a, b). No main() is needed: unit_main.c provides it.
 * Tests register themselves at load time through a constructor, so adding a
 * test is writing one function.
 *
 * Output, one line per test, read by tools/runtests.py:
 *     unit: <file>: <test>: PASS
 *     unit: <file>: <test>: FAIL (<file>:<line>: <what>)
 */
#ifndef MICA_UNIT_H
#define MICA_UNIT_H

#include <stdio.h>

struct unit_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *what);

#define UNIT_TEST(name_)                                                       \
	static void unit_fn_##name_(void);                                     \
	static struct unit_test unit_t_##name_ = {#name_, __FILE__,            \
						  unit_fn_##name_, NULL};      \
	__attribute__((constructor)) static void unit_reg_##name_(void)        \
	{                                                                      \
		unit_register(&unit_t_##name_);                                \
	}                                                                      \
	static void unit_fn_##name_(void)

/* Record a failure and keep going, so one run shows every broken check. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			unit_fail(__FILE__, __LINE__, #cond);                  \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);  \
		if (unit_a_ != unit_b_) {                                      \
			char unit_msg_[256];                                   \
			snprintf(unit_msg_, sizeof unit_msg_,                  \
				 "%s == %s (%lld != %lld)", #a, #b, unit_a_,   \
				 unit_b_);                                     \
			unit_fail(__FILE__, __LINE__, unit_msg_);              \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *unit_a_ = (a), *unit_b_ = (b);                     \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_) != 0) {   \
			char unit_msg_[512];                                   \
			snprintf(unit_msg_, sizeof unit_msg_,                  \
				 "%s == \"%s\" (got \"%s\")", #a,              \
				 unit_b_ ? unit_b_ : "(null)",                 \
				 unit_a_ ? unit_a_ : "(null)");                \
			unit_fail(__FILE__, __LINE__, unit_msg_);              \
		}                                                              \
	} while (0)

#endif
