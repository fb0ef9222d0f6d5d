/*
 * test_memory.c - in-kernel tests of memory management as booted: the
 * frame allocator fed from the real memory map, the heap on real frames,
 * paging, and the guard pages under kernel stacks.
 */
#include "ktest.h"
#include "bootinfo.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/memory.h"
#include "x86/paging.h"
#include "lib/string.h"

extern char _kernel_start_phys[], _kernel_end[];

KTEST(memory_map_gives_free_frames)
{
	KEXPECT(boot_info.nregions > 0);
	KEXPECT(boot_info.usable_bytes >= 200u << 20); /* QEMU -m 256M */
	KEXPECT(frame_free_count() > 40000);
	KEXPECT(frame_free_count() <= frame_total_count());
}

KTEST(frames_avoid_kernel_and_low_memory)
{
	struct mem_usage before;
	phys_addr_t got[64];

	mem_usage(&before);
	for (int i = 0; i < 64; i++) {
		got[i] = frame_alloc();
		KEXPECT(got[i] >= 0x100000);
		KEXPECT(got[i] >= virt_to_phys(_kernel_end) ||
			got[i] < (phys_addr_t)_kernel_start_phys);
		/* Every frame is usable memory, reachable through the map. */
		memset(phys_to_virt(got[i]), 0xA5, PAGE_SIZE);
	}
	for (int i = 0; i < 64; i++)
		frame_free(got[i]);
	KEXPECT_NO_LEAK(&before);
}

KTEST(heap_sizes_and_no_leak)
{
	static const size_t sizes[] = {1, 16, 17, 100, 2048, 2049, 5000, 65536};
	void *p[sizeof sizes / sizeof sizes[0]];
	struct mem_usage before;

	mem_usage(&before);
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p[i] = kmalloc(sizes[i]);
		KEXPECT(p[i] != NULL);
		memset(p[i], i, sizes[i]);
	}
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		const unsigned char *b = p[i];

		KEXPECT(b[0] == i && b[sizes[i] - 1] == i);
		kfree(p[i]);
	}
	KEXPECT_NO_LEAK(&before);
}

KTEST(heap_exhaustion_returns_null)
{
	struct mem_usage before;
	void **blocks;
	int n = 0;

	mem_usage(&before);
	blocks = kmalloc(8192 * sizeof *blocks);
	KEXPECT(blocks != NULL);
	/* 64 KiB blocks until the heap says no: 256 MiB runs out first. */
	while (n < 8192 && (blocks[n] = kmalloc(65536)) != NULL)
		n++;
	KEXPECT(n > 100 && n < 8192);
	KEXPECT(kmalloc(65536) == NULL);
	while (n--)
		kfree(blocks[n]);
	kfree(blocks);
	KEXPECT_NO_LEAK(&before);
}

KTEST(kstack_has_guard_page)
{
	struct mem_usage before;
	char *s;

	mem_usage(&before);
	s = kstack_alloc();
	KEXPECT(s != NULL);
	KEXPECT(kernel_addr_mapped((uintptr_t)s));
	KEXPECT(kernel_addr_mapped((uintptr_t)s + KSTACK_SIZE - 1));
	KEXPECT(!kernel_addr_mapped((uintptr_t)s - 1));
	KEXPECT(kstack_is_guard((uintptr_t)s - 1));
	KEXPECT(!kstack_is_guard((uintptr_t)s));
	memset(s, 0x5A, KSTACK_SIZE);
	kstack_free(s);
	KEXPECT_NO_LEAK(&before);
}

/* Recurse without end (the bound is never reached, but gcc cannot know). */
static int __attribute__((noinline)) recurse(volatile int depth)
{
	volatile char pad[256];

	pad[0] = depth;
	if (depth == -1)
		return 0;
	return recurse(depth + 1) + pad[0];
}

/* We run on a guarded kernel stack (kmain_late's): overflow it. */
KTEST_PANICS(kstack_overflow_panics, "kernel stack overflow")
{
	recurse(0);
}

KTEST_PANICS(null_dereference_panics, "page fault in the kernel at 0x00000000")
{
	volatile int *p = 0;

	(void)*p;
}
