/* ksyms.h - kernel function names for backtraces (tools/mksyms.py). */
#ifndef MICA_KSYMS_H
#define MICA_KSYMS_H

#include <stdint.h>

struct ksym_table {
	uint32_t count;
	const uint32_t *addrs;	 /* sorted ascending */
	const uint32_t *offsets; /* into strtab */
	const char *strtab;
};

const char *ksym_lookup_in(const struct ksym_table *t, uintptr_t addr,
			   uintptr_t *offset);
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
