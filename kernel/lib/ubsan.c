/*
 * ubsan.c - handlers for gcc's -fsanitize=undefined (see ubsan.h).
 *
 * The compiler passes each handler a pointer to static data describing
 * the check; every such structure starts with the source location, which
 * is all we print. The operands (the values involved) are not decoded:
 * the location is enough to find the line, and the code stays small.
 * This file itself is compiled without the sanitizer (Makefile), so a
 * handler cannot report itself.
 */
#include <stdint.h>

#include "lib/printk.h"
#include "lib/ubsan.h"

struct source_location {
	const char *file;
	uint32_t line;
	uint32_t column;
};

/* The data of type_mismatch_v1: the kind of access and the alignment. */
struct type_mismatch_data_v1 {
	struct source_location loc;
	const void *type;
	uint8_t log_alignment;
	uint8_t type_check_kind;
};

static unsigned nreports;
static int reporting;

unsigned ubsan_reports(void)
{
	return nreports;
}

static void report(const char *kind, const struct source_location *loc)
{
	nreports++;
	if (reporting) /* printk itself misbehaved: do not recurse */
		return;
	reporting = 1;
	printk("UBSAN: %s at %s:%u\n", kind, loc ? loc->file : "?",
	       loc ? (unsigned)loc->line : 0u);
	reporting = 0;
}

/* Every handler's data starts with a struct source_location. */
#define LOC(data) ((const struct source_location *)(data))

void __ubsan_handle_add_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_negate_overflow(void *data, void *old);
void __ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs);
void __ubsan_handle_out_of_bounds(void *data, void *index);
void __ubsan_handle_type_mismatch_v1(void *data, void *ptr);
void __ubsan_handle_pointer_overflow(void *data, void *base, void *result);
void __ubsan_handle_builtin_unreachable(void *data);
void __ubsan_handle_load_invalid_value(void *data, void *val);
void __ubsan_handle_nonnull_arg(void *data);
void __ubsan_handle_nonnull_return_v1(void *data, void *loc);
void __ubsan_handle_vla_bound_not_positive(void *data, void *bound);
void __ubsan_handle_invalid_builtin(void *data);

void __ubsan_handle_add_overflow(void *data, void *lhs, void *rhs)
{
	(void)lhs, (void)rhs;
	report("signed add overflow", LOC(data));
}

void __ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs)
{
	(void)lhs, (void)rhs;
	report("signed sub overflow", LOC(data));
}

void __ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs)
{
	(void)lhs, (void)rhs;
	report("signed mul overflow", LOC(data));
}

void __ubsan_handle_negate_overflow(void *data, void *old)
{
	(void)old;
	report("negate overflow", LOC(data));
}

void __ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs)
{
	(void)lhs, (void)rhs;
	report("division overflow (or by zero)", LOC(data));
}

void __ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs)
{
	(void)lhs, (void)rhs;
	report("shift out of bounds", LOC(data));
}

void __ubsan_handle_out_of_bounds(void *data, void *index)
{
	(void)index;
	report("index out of bounds", LOC(data));
}

void __ubsan_handle_type_mismatch_v1(void *data, void *ptr)
{
	const struct type_mismatch_data_v1 *d = data;
	uintptr_t align = (uintptr_t)1 << d->log_alignment;

	if (!ptr)
		report("null pointer use", &d->loc);
	else if (d->log_alignment && ((uintptr_t)ptr & (align - 1)))
		report("misaligned pointer use", &d->loc);
	else
		report("access to an object too small", &d->loc);
}

void __ubsan_handle_pointer_overflow(void *data, void *base, void *result)
{
	(void)base, (void)result;
	report("pointer overflow", LOC(data));
}

void __ubsan_handle_builtin_unreachable(void *data)
{
	report("__builtin_unreachable reached", LOC(data));
}

void __ubsan_handle_load_invalid_value(void *data, void *val)
{
	(void)val;
	report("load of an invalid value (bool or enum)", LOC(data));
}

void __ubsan_handle_nonnull_arg(void *data)
{
	report("null passed as a nonnull argument", LOC(data));
}

void __ubsan_handle_nonnull_return_v1(void *data, void *loc)
{
	(void)data;
	report("null returned from a returns_nonnull function", LOC(loc));
}

void __ubsan_handle_vla_bound_not_positive(void *data, void *bound)
{
	(void)bound;
	report("variable-length array bound not positive", LOC(data));
}

void __ubsan_handle_invalid_builtin(void *data)
{
	report("invalid argument to a builtin (clz/ctz of 0)", LOC(data));
}
