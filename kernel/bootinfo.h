/*
 * bootinfo.h - what the boot loader told us, in a form that does not
 * depend on the boot protocol. arch/x86/multiboot.c fills it in.
 */
#ifndef MICA_BOOTINFO_H
#define MICA_BOOTINFO_H

#include <stdint.h>

#define BOOT_MAX_REGIONS 32
#define BOOT_MAX_MODULES 8
#define BOOT_CMDLINE_MAX 512

struct boot_region {
	uint64_t start, end; /* physical, [start, end) */
	uint32_t type;	     /* 1 = usable RAM, as in the multiboot map */
};

struct boot_module {
	uint32_t start, end; /* physical, [start, end) */
	char name[64];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[32];
	struct boot_region regions[BOOT_MAX_REGIONS];
	int nregions;
	struct boot_module modules[BOOT_MAX_MODULES];
	int nmodules;
	uint64_t usable_bytes; /* sum of usable regions */
};

#define BOOT_REGION_USABLE 1

extern struct boot_info boot_info;

void multiboot_parse(uint32_t magic, uint32_t mbi_phys);

#endif
