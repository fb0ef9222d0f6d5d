/*
 * ksyms.c - turn an address into "function+offset".
 *
 * The table is generated from the kernel's own symbols at link time (see
 * the Makefile and tools/mksyms.py) and lives in the .ksyms section.
 */
#include "lib/ksyms.h"

/* Find the last symbol at or below addr by binary search. */
const char *ksym_lookup_in(const struct ksym_table *t, uintptr_t addr,
			   uintptr_t *offset)
{
	uint32_t lo = 0, hi = t->count;

	if (t->count == 0 || addr < t->addrs[0])
		return 0;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - t->addrs[lo];
	return t->strtab + t->offsets[lo];
}

#ifndef MICA_HOST_TEST
extern const uint32_t ksyms_count;
extern const uint32_t ksyms_addrs[], ksyms_offsets[];
extern const char ksyms_strtab[];
extern const char _text_start[], _text_end[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	struct ksym_table t = {ksyms_count, ksyms_addrs, ksyms_offsets,
			       ksyms_strtab};

	if (addr < (uintptr_t)_text_start || addr >= (uintptr_t)_text_end)
		return 0;
	return ksym_lookup_in(&t, addr, offset);
}
#endif
