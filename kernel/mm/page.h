/*
 * page.h - page size and page-alignment helpers shared by the memory manager.
 *
 * PAGE_SIZE is an unsigned long (like Linux) so that PAGE_MASK has every high
 * bit set on both i386 (32-bit long) and the 64-bit host tests: masking a
 * uintptr_t with a 32-bit ~0xfff would silently clear its upper half.
 */
#ifndef MICA_MM_PAGE_H
#define MICA_MM_PAGE_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/*
 * Round to a page boundary. Pass integers, not pointers (cast to uintptr_t).
 * PAGE_ALIGN_UP of a value in the last page of the address space wraps to 0
 * on i386; callers near 4 GiB must check.
 */
#define PAGE_ALIGN_DOWN(x) ((x)&PAGE_MASK)
#define PAGE_ALIGN_UP(x)   (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGNED(x)	   (((x) & (PAGE_SIZE - 1)) == 0)

/* A physical address. mica is 32-bit without PAE: 4 GiB is the limit. */
typedef uint32_t phys_addr_t;

#endif
