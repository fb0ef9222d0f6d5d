/*
 * mmap.h - mappings in the mmap area of a user address space (mmap.c):
 * shared memory, anonymous memory, and the pages out-of-line messages
 * carry from one address space to another.
 */
#ifndef MICA_MM_MMAP_H
#define MICA_MM_MMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/page.h"
#include <mica/syscall.h>

struct mm_struct;

long sys_mmap_k(const struct mica_mmap *uargs);
long sys_munmap_k(uintptr_t addr, uintptr_t len);
long mm_munmap(struct mm_struct *mm, uintptr_t start, uintptr_t len);
/* Cut regions at start and end so that munmap of [start, end) cannot
 * fail: 0 or -ENOMEM. */
long mm_carve(struct mm_struct *mm, uintptr_t start, uintptr_t end);

/* Out-of-line memory: check the sender's range (the number of pages that
 * will need copying, or -EFAULT), take a reference to each page (moving
 * the pages out with move, else making them copy-on-write; copies says
 * whether the check found pages to copy), and map such pages into a
 * receiver (returns the address or -ENOMEM). */
long mm_ool_check(struct mm_struct *mm, uintptr_t va, unsigned npages);
void mm_ool_take(struct mm_struct *mm, uintptr_t va, unsigned npages, bool move,
		 bool copies, phys_addr_t *pages);
long mm_ool_map(struct mm_struct *mm, phys_addr_t *pages, unsigned npages);
void mm_ool_unmap_undo(struct mm_struct *mm, uintptr_t start);

#endif
