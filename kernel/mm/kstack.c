/*
 * kstack.c - kernel stacks with guard pages.
 *
 * A kernel stack is small (8 KiB) and nothing stops a deep recursion from
 * running off its end into whatever lies below. So each stack lives in its
 * own slot of the kernel map (KVMAP_START..KVMAP_END), and the lowest page
 * of every slot is never mapped: an overflow touches that guard page, the
 * CPU faults, and the kernel panics with "kernel stack overflow" instead of
 * silently corrupting another task's memory.
 *
 *     slot n:  [ guard (unmapped) | stack page | stack page ]
 *
 * Free slots are kept on a stack of slot numbers, so allocation is O(1).
 */
#include "mm/kstack.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "x86/paging.h"
#include "panic.h"

#define SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE)
#define NR_SLOTS  ((KVMAP_END - KVMAP_START) / SLOT_SIZE)

static uint16_t *free_slots;
static unsigned nr_free;

void kstack_init(void)
{
	free_slots = kmalloc(NR_SLOTS * sizeof *free_slots);
	if (!free_slots)
		panic("kstack: no memory for the slot list");
	/* Push in reverse so that slot 0 is handed out first. */
	for (unsigned i = 0; i < NR_SLOTS; i++)
		free_slots[i] = NR_SLOTS - 1 - i;
	nr_free = NR_SLOTS;
}

static uintptr_t slot_base(unsigned slot)
{
	return KVMAP_START + slot * SLOT_SIZE;
}

void *kstack_alloc(void)
{
	phys_addr_t frames[KSTACK_PAGES];
	unsigned slot;
	uintptr_t stack;

	if (nr_free == 0)
		return NULL;
	for (int i = 0; i < KSTACK_PAGES; i++) {
		frames[i] = frame_alloc();
		if (!frames[i]) {
			while (i--)
				frame_free(frames[i]);
			return NULL;
		}
	}
	slot = free_slots[--nr_free];
	stack = slot_base(slot) + PAGE_SIZE; /* above the guard page */
	for (int i = 0; i < KSTACK_PAGES; i++)
		kvmap_map(stack + i * PAGE_SIZE, frames[i]);
	return (void *)stack;
}

void kstack_free(void *stack)
{
	uintptr_t s = (uintptr_t)stack;
	unsigned slot = (s - KVMAP_START) / SLOT_SIZE;

	if (s < KVMAP_START || s >= KVMAP_END ||
	    s != slot_base(slot) + PAGE_SIZE)
		panic("kstack_free: %p is not a kernel stack", stack);
	for (int i = 0; i < KSTACK_PAGES; i++)
		frame_free(kvmap_unmap(s + i * PAGE_SIZE));
	free_slots[nr_free++] = slot;
}

bool kstack_is_guard(uintptr_t addr)
{
	if (addr < KVMAP_START || addr >= KVMAP_START + NR_SLOTS * SLOT_SIZE)
		return false;
	return (addr - KVMAP_START) % SLOT_SIZE < PAGE_SIZE;
}

unsigned kstack_in_use(void)
{
	return NR_SLOTS - nr_free;
}
