/*
 * memory.c - set up memory management from the boot loader's memory map.
 *
 *  1. paging_init maps all RAM at KERNEL_BASE (arch/x86/paging.c);
 *  2. the frame allocator learns which frames are usable: those the map
 *     calls usable, minus the first MiB (BIOS data, VGA), the kernel image,
 *     the boot modules and the allocator's own bitmap;
 *  3. the kernel heap gets its pages from the frame allocator;
 *  4. kernel stacks get their slots (mm/kstack.c).
 */
#include "mm/memory.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "x86/paging.h"
#include "bootinfo.h"
#include "lib/string.h"
#include "panic.h"

extern char _kernel_start_phys[], _kernel_end[];

#define LOW_MEMORY_END 0x100000

static uint32_t usable_ram_top(void)
{
	uint64_t top = 0;

	for (int i = 0; i < boot_info.nregions; i++) {
		const struct boot_region *r = &boot_info.regions[i];

		if (r->type == BOOT_REGION_USABLE && r->end > top)
			top = r->end;
	}
	return top > 0xFFFFF000ull ? 0xFFFFF000u : (uint32_t)top;
}

/* The first free physical address after the kernel and the modules. */
static uint32_t first_free_phys(void)
{
	uint32_t end = virt_to_phys(_kernel_end);

	for (int i = 0; i < boot_info.nmodules; i++)
		if (boot_info.modules[i].end > end)
			end = boot_info.modules[i].end;
	return (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void frames_init(void)
{
	uint32_t top = direct_map_top();
	size_t nframes = top / PAGE_SIZE;
	uint32_t storage = first_free_phys();
	uint32_t storage_end = storage + frame_storage_bytes(nframes);

	if (storage_end > top)
		panic("no room for the frame bitmap below %p", (void *)top);
	frame_init(phys_to_virt(storage), nframes);
	for (int i = 0; i < boot_info.nregions; i++) {
		const struct boot_region *r = &boot_info.regions[i];

		if (r->type != BOOT_REGION_USABLE || r->start >= top)
			continue;
		frame_add_free(r->start, r->end > top ? top : r->end);
	}
	frame_reserve(0, LOW_MEMORY_END);
	frame_reserve((uint32_t)_kernel_start_phys, virt_to_phys(_kernel_end));
	for (int i = 0; i < boot_info.nmodules; i++)
		frame_reserve(boot_info.modules[i].start,
			      boot_info.modules[i].end);
	frame_reserve(storage, storage_end);
}

void mm_init(void)
{
	paging_init(usable_ram_top());
	frames_init();
	kstack_init();
}

void mem_usage(struct mem_usage *u)
{
	kheap_trim(); /* cached empty slabs are not a leak: give them back */
	u->free_frames = frame_free_count();
	u->heap_bytes = kheap_bytes_in_use();
	u->kstacks = kstack_in_use();
}

/* The heap's page provider: contiguous frames, seen through the direct map. */
void *kheap_pages_alloc(size_t npages)
{
	phys_addr_t pa =
	    npages == 1 ? frame_alloc() : frame_alloc_contig(npages);

	return pa ? phys_to_virt(pa) : NULL;
}

void kheap_pages_free(void *p, size_t npages)
{
	for (size_t i = 0; i < npages; i++)
		frame_free(virt_to_phys(p) + i * PAGE_SIZE);
}

void frame_bug(const char *why, phys_addr_t pa)
{
	panic("frame allocator: %s (frame %p)", why, (void *)pa);
}

void kheap_bug(const char *why, void *p)
{
	panic("kmalloc: %s (%p)", why, p);
}
