/*
 * multiboot.c - read the Multiboot (version 1) information structure.
 *
 * GRUB leaves it in memory and passes its physical address in EBX. Only the
 * fields whose bit is set in `flags` are valid. Everything is copied into
 * boot_info at once, so no later code depends on where the loader put it.
 */
#include "bootinfo.h"
#include "x86/mmu.h"
#include "lib/string.h"
#include "panic.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MBI_MEMORY  (1 << 0)
#define MBI_CMDLINE (1 << 2)
#define MBI_MODULES (1 << 3)
#define MBI_MMAP    (1 << 6)
#define MBI_LOADER  (1 << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB, above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

struct multiboot_mmap_entry {
	uint32_t size; /* of the rest of this entry: the next is size+4 on */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

struct boot_info boot_info;

static void add_region(uint64_t start, uint64_t end, uint32_t type)
{
	struct boot_region *r;

	if (boot_info.nregions == BOOT_MAX_REGIONS || end <= start)
		return;
	r = &boot_info.regions[boot_info.nregions++];
	r->start = start;
	r->end = end;
	r->type = type;
	if (type == BOOT_REGION_USABLE)
		boot_info.usable_bytes += end - start;
}

static void parse_mmap(const struct multiboot_info *mbi)
{
	uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;

	while (p + sizeof(struct multiboot_mmap_entry) <= end) {
		const struct multiboot_mmap_entry *e = phys_to_virt(p);

		add_region(e->addr, e->addr + e->len, e->type);
		p += e->size + 4;
	}
}

static void parse_modules(const struct multiboot_info *mbi)
{
	const struct multiboot_module *m = phys_to_virt(mbi->mods_addr);

	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		struct boot_module *bm;

		if (boot_info.nmodules == BOOT_MAX_MODULES)
			break;
		bm = &boot_info.modules[boot_info.nmodules++];
		bm->start = m[i].mod_start;
		bm->end = m[i].mod_end;
		if (m[i].string)
			strlcpy(bm->name, phys_to_virt(m[i].string),
				sizeof bm->name);
	}
}

void multiboot_parse(uint32_t magic, uint32_t mbi_phys)
{
	const struct multiboot_info *mbi = phys_to_virt(mbi_phys);

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a multiboot loader (magic %x)", magic);

	if (mbi->flags & MBI_CMDLINE)
		strlcpy(boot_info.cmdline, phys_to_virt(mbi->cmdline),
			sizeof boot_info.cmdline);
	if (mbi->flags & MBI_LOADER)
		strlcpy(boot_info.loader, phys_to_virt(mbi->boot_loader_name),
			sizeof boot_info.loader);
	if (mbi->flags & MBI_MMAP) {
		parse_mmap(mbi);
	} else if (mbi->flags & MBI_MEMORY) {
		/* No map: trust the two sizes, as old loaders report them. */
		add_region(0, (uint64_t)mbi->mem_lower * 1024,
			   BOOT_REGION_USABLE);
		add_region(0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024,
			   BOOT_REGION_USABLE);
	}
	if (mbi->flags & MBI_MODULES)
		parse_modules(mbi);
	if (boot_info.usable_bytes == 0)
		panic("the boot loader reported no usable memory");
}
