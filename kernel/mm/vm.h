/*
 * vm.h - user address spaces: struct mm_struct.
 *
 * The textbook's "memory-management information" in the PCB. Each user
 * task has its own page directory; the kernel half (0xC0000000 and up) is
 * the same in all of them (arch/x86/paging.c). The user half holds:
 *
 *   0xBFFFF000  USER_STACK_TOP   stack, grows down on demand ...
 *               ...              ... to at most USER_STACK_MAX
 *               guard gap        never mapped: touching it = stack overflow
 *               ...
 *   0x80000000  USER_MMAP_TOP    mappings: mmap (shared memory, anonymous)
 *   0x40000000  USER_MMAP_BASE   and out-of-line message memory (mmap.c)
 *               ...
 *               brk              heap (sbrk), grows up
 *               brk_start
 *               data, bss        from the ELF file (writable)
 *   0x08048000  text, rodata     from the ELF file (read-only)
 *   0x00000000  page 0           never mapped, so NULL faults
 */
#ifndef MICA_MM_VM_H
#define MICA_MM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "x86/mmu.h"

#define USER_STACK_TOP	 0xBFFFF000u
#define USER_STACK_MAX	 (1u << 20)  /* 1 MiB */
#define USER_STACK_GUARD (64u << 10) /* 64 KiB gap that is never mapped */
#define USER_STACK_LIMIT (USER_STACK_TOP - USER_STACK_MAX)
#define USER_MMAP_BASE	 0x40000000u
#define USER_MMAP_TOP	 0x80000000u
#define USER_HEAP_LIMIT	 USER_MMAP_BASE

#define MM_MAX_REGIONS 256 /* regions (mappings) per address space */

/*
 * Frames kept back from user demands (sbrk, fork, spawn): when fewer than
 * this many are free, those calls fail with -ENOMEM, so a memory hog or a
 * fork bomb leaves room for the kernel and the shell to go on.
 */
#define MM_RESERVE_FRAMES 2048 /* 8 MiB */

/* What a region is (vm_region.flags). */
#define VM_MMAP                                                                \
	0x1	      /* made by mmap or a received OOL message: munmap
		       * may take it away */
#define VM_SHARED 0x2 /* MAP_SHARED: its pages carry PTE_SHARED */

struct vm_region {
	struct list_head link; /* in mm->regions, sorted by address */
	uintptr_t start, end;  /* page-aligned, [start, end) */
	bool writable;
	unsigned flags;	  /* VM_* */
	const char *name; /* "text", "data", "stack", "shm", "anon", "ool" */
	/* Received out-of-line memory is mapped lazily: the region holds a
	 * reference to each frame not mapped yet; a page's first touch maps
	 * it, copy-on-write (mm_fault_in), and hands that reference over to
	 * the page table (the entry becomes 0). NULL for other regions. */
	phys_addr_t *pages; /* one per page of [start, end) */
};

struct mm_struct {
	pde_t *pgdir; /* the page directory (kernel virtual address) */
	struct list_head regions; /* struct vm_region, by address */
	int nregions;
	uintptr_t brk_start, brk; /* the heap is [brk_start, brk) */
	unsigned pages;		  /* user pages mapped (resident) */
};

/* Why a user access failed (mm_fault_in), for the kill status. */
enum vm_fault {
	VM_OK = 0,
	VM_SEGV = 1,	  /* no mapping there, or not allowed */
	VM_STACK_OVF = 2, /* the stack's guard gap */
	VM_NOMEM = 3,	  /* a page was needed and memory ran out */
};

struct mm_struct *mm_create(void);
void mm_destroy(struct mm_struct *mm);
struct mm_struct *mm_fork(struct mm_struct *parent);
void mm_activate(struct mm_struct *mm);

int mm_add_region(struct mm_struct *mm, uintptr_t start, uintptr_t end,
		  bool writable, const char *name);
struct vm_region *mm_insert_region(struct mm_struct *mm, uintptr_t start,
				   uintptr_t end, bool writable, unsigned flags,
				   const char *name);

/* The PTE for va, allocating its page table if create; NULL if none. */
pte_t *mm_pte(struct mm_struct *mm, uintptr_t va, bool create);

/*
 * Walking a range page by page: the PTE for va given the previous page's
 * (prev, or NULL at the start). Within one page table that is simply the
 * next entry; only at a 4 MiB boundary (or with no table yet) is the
 * directory consulted again.
 */
static inline pte_t *mm_pte_next(struct mm_struct *mm, pte_t *prev,
				 uintptr_t va, bool create)
{
	if (prev && (va & ((1u << PGDIR_SHIFT) - 1)) != 0)
		return prev + 1;
	return mm_pte(mm, va, create);
}

/* Give back the frame references a lazily mapped region holds; map one
 * of its pages at *pte (the reference moves to the page table). */
void region_drop_pages(struct vm_region *r);
void region_map_page(struct mm_struct *mm, struct vm_region *r, pte_t *pte,
		     uintptr_t va);

/* Forget cached translations of mm, if it is the one loaded. */
void mm_flush_tlb(struct mm_struct *mm);
int mm_map_zeroed(struct mm_struct *mm, uintptr_t start, uintptr_t end,
		  bool writable);

/* Make [start, end) read-only (a program's text, once it is loaded). */
void mm_protect(struct mm_struct *mm, uintptr_t start, uintptr_t end);

/* Make va present (demand stack, copy-on-write) with the access asked
 * for; returns VM_OK or why not. Used by the page-fault handler and by
 * copy-in/copy-out, so both follow the same rules. */
enum vm_fault mm_fault_in(struct mm_struct *mm, uintptr_t va, bool write);

/* Copy between kernel memory and mm's user addresses (any mm, not only
 * the current one): 0, or -EFAULT if any byte is not accessible. */
int mm_copy_out(struct mm_struct *mm, uintptr_t va, const void *src, size_t n);
int mm_copy_in(struct mm_struct *mm, void *dst, uintptr_t va, size_t n);

/* Copy between two address spaces in one pass (the IPC fast path):
 * 0, -EFAULT for a bad source, -EIO for a bad destination. */
int mm_copy_between(struct mm_struct *dst_mm, uintptr_t dst,
		    struct mm_struct *src_mm, uintptr_t src, size_t n);

/* Grow or shrink the heap by incr bytes; returns the old break or -errno. */
long mm_sbrk(struct mm_struct *mm, long incr);

#endif
