/*
 * mmu.h - x86 paging and control-register bits, and mica's memory map.
 *
 * Shared by assembly and C, so only #defines live outside the C section.
 * Bit meanings are from the Intel SDM, vol. 3A, chapter 4 (32-bit paging).
 */
#ifndef MICA_X86_MMU_H
#define MICA_X86_MMU_H

#ifdef __ASSEMBLY__
#define PAGE_SIZE  4096
#define PAGE_SHIFT 12
#else
#include "mm/page.h" /* PAGE_SIZE and PAGE_SHIFT for C */
#endif
#define PGDIR_SHIFT 22 /* a directory entry covers 4 MiB */

/* Virtual memory layout (docs/memory-map.md draws it). */
#define KERNEL_BASE    0xC0000000 /* physical 0 is mapped here */
#define DIRECT_MAP_END 0xF0000000 /* at most 768 MiB of RAM is mapped */
#define KVMAP_START    0xF0000000 /* kernel stacks with guard pages */
#define KVMAP_END      0xF8000000
#define USER_TOP       KERNEL_BASE /* user space is everything below */

/* Page directory / page table entry bits. */
#define PTE_P	0x001 /* present */
#define PTE_W	0x002 /* writable */
#define PTE_U	0x004 /* user may access */
#define PTE_PWT 0x008 /* write-through */
#define PTE_PCD 0x010 /* cache disabled */
#define PTE_A	0x020 /* accessed (set by the CPU) */
#define PTE_D	0x040 /* dirty (set by the CPU) */
#define PTE_PS	0x080 /* 4 MiB page (directory entries only) */
#define PTE_G	0x100 /* global: kept in the TLB across CR3 loads */
#define PTE_COW 0x200 /* mica's own (AVL bit): copy-on-write page */
#define PTE_SHARED                                                             \
	0x400 /* mica's own (AVL bit): a MAP_SHARED page, which fork
		     * leaves shared (and writable) instead of copy-on-write */

#define CR0_PE	0x00000001 /* protected mode */
#define CR0_WP	0x00010000 /* ring 0 honours read-only pages */
#define CR0_PG	0x80000000 /* paging */
#define CR4_PSE 0x00000010 /* 4 MiB pages */
#define CR4_PGE 0x00000080 /* global pages */

/* Page-fault error code bits. */
#define PFE_P 0x1  /* 0: page not present, 1: protection */
#define PFE_W 0x2  /* the access was a write */
#define PFE_U 0x4  /* the access came from ring 3 */
#define PFE_I 0x10 /* the access was an instruction fetch */

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef uint32_t pde_t;
typedef uint32_t pte_t;

#define PDX(va)	    (((uintptr_t)(va) >> PGDIR_SHIFT) & 0x3FF)
#define PTX(va)	    (((uintptr_t)(va) >> PAGE_SHIFT) & 0x3FF)
#define PTE_ADDR(e) ((e) & ~0xFFFu)

/* Physical <-> kernel virtual, valid for RAM in the direct map only. */
#define phys_to_virt(pa) ((void *)((uintptr_t)(pa) + KERNEL_BASE))
#define virt_to_phys(va) ((uintptr_t)(va)-KERNEL_BASE)
#endif

#endif
